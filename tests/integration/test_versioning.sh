#!/usr/bin/env bash
# S3 object versioning (s3_versioning.py) with Debian's boto3 and, when PATH has a newer one, with
# it too; the aws cli lists versions and delete markers; gc keeps the blocks of old versions.
. "$(dirname "$0")/lib.sh"
start_server --gc-grace 0s --gc-interval 0 || exit 1
"$CAIRN" user add bob > "$T/bob.keys" || echo "not ok - cairn user add bob"
export BOB_ACCESS_KEY=$(awk '/access key/{print $3}' "$T/bob.keys") BOB_SECRET_KEY=$(awk '/secret key/{print $3}' "$T/bob.keys")
$PY "$(dirname "$0")/s3_versioning.py" "$URL" 1.26
other=$(command -v python3)
if [ -n "$other" ] && [ "$other" != "$PY" ] && "$other" -c 'import boto3' 2>/dev/null; then
  "$other" "$(dirname "$0")/s3_versioning.py" "$URL" new
fi
export AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK AWS_DEFAULT_REGION=us-east-1
aws() { /usr/bin/aws --endpoint-url "$URL" "$@"; }
"$CAIRN" gc > /dev/null   # what the boto3 runs deleted
aws s3api create-bucket --bucket cliver > /dev/null
aws s3api put-bucket-versioning --bucket cliver --versioning-configuration Status=Enabled
head -c 3000000 /dev/urandom > "$T/big1"
head -c 3000000 /dev/urandom > "$T/big2"
aws s3 cp "$T/big1" s3://cliver/big > /dev/null
aws s3 cp "$T/big2" s3://cliver/big > /dev/null
aws s3 rm s3://cliver/big > /dev/null
expect "aws s3api list-object-versions: two versions" "$(aws s3api list-object-versions --bucket cliver --query 'length(Versions)' --output text)" 2
expect "  ... and one delete marker" "$(aws s3api list-object-versions --bucket cliver --query 'length(DeleteMarkers)' --output text)" 1
old=$(aws s3api list-object-versions --bucket cliver --query 'Versions[1].VersionId' --output text)
# gc: the blocks of noncurrent versions are roots
out=$("$CAIRN" gc)
check "cairn gc (no grace) trashes no block of an old version or a multipart part" sh -c "echo '$out' | grep -q '\"trashed\":0'"
aws s3api get-object --bucket cliver --key big --version-id "$old" "$T/back" > /dev/null
expect "after gc, the oldest version reads back whole" "$(sha "$T/back")" "$(sha "$T/big1")"
