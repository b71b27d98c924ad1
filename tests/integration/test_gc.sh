#!/usr/bin/env bash
# Garbage collection: deleting an object and collecting frees its unique blocks and never a block
# another object (or an upload in progress) still uses; the grace period protects young blocks.
. "$(dirname "$0")/lib.sh"
start_server --gc-grace 1h --gc-interval 0 || exit 1
export AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
AWS="/usr/bin/aws --endpoint-url $URL"
nblocks() { find "$DATA/blocks" -type f | wc -l; }
$AWS s3 mb s3://gcb > /dev/null
head -c 3000000 /dev/urandom > "$T/a"
$AWS s3 cp "$T/a" s3://gcb/a > /dev/null
$AWS s3 rm s3://gcb/a > /dev/null
out=$("$CAIRN" gc)
check "cairn gc with a 1 h grace keeps young unreferenced blocks" sh -c "echo '$out' | grep -q '\"trashed\":0' && echo '$out' | grep -q '\"kept_young\":[1-9]'"
stop_server

start_server --gc-grace 0s --gc-interval 0 --trash-lifetime 1s --trash-interval 1s || exit 1
AWS="/usr/bin/aws --endpoint-url $URL"
"$CAIRN" gc > /dev/null   # the first part's leftovers
head -c 3000000 /dev/urandom > "$T/c"
$AWS s3 cp "$T/a" s3://gcb/a > /dev/null
$AWS s3 cp "$T/c" s3://gcb/b > /dev/null
$AWS s3 cp "$T/c" s3://gcb/c > /dev/null
up=$($AWS s3api create-multipart-upload --bucket gcb --key pending --query UploadId --output text)
head -c 2000000 /dev/urandom > "$T/part"
$AWS s3api upload-part --bucket gcb --key pending --upload-id "$up" --part-number 1 --body "$T/part" > /dev/null
before=$(nblocks)
$AWS s3 rm s3://gcb/a > /dev/null
$AWS s3 rm s3://gcb/b > /dev/null
out=$("$CAIRN" gc)
check "gc trashed the deleted object's unique blocks" sh -c "echo '$out' | grep -q '\"trashed\":[1-9]'"
after=$(nblocks)
check "block count went down ($before -> $after)" test "$after" -lt "$before"
$AWS s3 cp s3://gcb/c "$T/c.back" > /dev/null
check "the object sharing its blocks with a deleted one still reads back" cmp "$T/c" "$T/c.back"
done_etag=$($AWS s3api complete-multipart-upload --bucket gcb --key pending --upload-id "$up" \
  --multipart-upload "{\"Parts\":[{\"PartNumber\":1,\"ETag\":\"\\\"$(md5sum "$T/part" | cut -c1-32)\\\"\"}]}" --query ETag --output text)
$AWS s3 cp s3://gcb/pending "$T/part.back" > /dev/null
check "an upload in progress during gc keeps its parts" cmp "$T/part" "$T/part.back"
for _ in $(seq 40); do [ "$(count_files "$DATA/trash")" = 0 ] && break; sleep 0.1; done
expect "trash is emptied after trash_lifetime" "$(count_files "$DATA/trash")" 0
expect "gc needs an admin key" "$(CAIRN_ACCESS_KEY=x CAIRN_SECRET_KEY=y "$CAIRN" gc 2>&1 >/dev/null | grep -c 'AccessDenied')" 1
