#!/usr/bin/env bash
# The authorization matrix (trust issue): S3 object, bucket and multipart operations for owner,
# other user, grantee, admin, anonymous and presigned bearer (authz_matrix.py, boto3); then
# /v1/blocks, /v1/datasets, /fs and /dav for the same principals, with curl and the cairn CLI.
. "$(dirname "$0")/lib.sh"
start_server || exit 1
export ADMIN_AK=$AK ADMIN_SK=$SK CAIRN="$CAIRN" T
for u in alice bob carol dave; do
  "$CAIRN" user add $u > "$T/$u.keys" || echo "not ok - cairn user add $u"
  U=$(echo $u | tr a-z A-Z)
  export ${U}_AK=$(awk '/access key/{print $3}' "$T/$u.keys") ${U}_SK=$(awk '/secret key/{print $3}' "$T/$u.keys")
done
$PY "$(dirname "$0")/authz_matrix.py" "$URL"

# as_user NAME CMD...: run a cairn command (or anything reading CAIRN_*) as that user
as_user() { local u=$1 U; U=$(echo $1 | tr a-z A-Z); shift; eval "CAIRN_ACCESS_KEY=\$${U}_AK CAIRN_SECRET_KEY=\$${U}_SK" "$@"; }
ucurl() { local U; U=$(echo $1 | tr a-z A-Z); shift
  eval "curl -s --aws-sigv4 aws:amz:us-east-1:s3 --user \"\$${U}_AK:\$${U}_SK\" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD'" '"$@"'; }
ustatus() { ucurl "$1" -o /dev/null -w '%{http_code}' "${@:2}"; }

# ---- /v1/blocks ----
head -c 100000 /dev/urandom > "$T/secret.bin"; h=$(sha "$T/secret.bin")
loc=$(as_user alice "$CAIRN" put-block "$T/secret.bin")
check "alice: put-block answers a signed locator" test -n "$loc"
expect "alice: GET by bare id (users read through signed locators): 403" "$(ustatus alice "$URL/v1/blocks/$h")" 403
expect "bob: GET alice's block by bare id: 403" "$(ustatus bob "$URL/v1/blocks/$h")" 403
expect "anonymous: GET by bare id: 403" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/blocks/$h")" 403
expect "admin: GET by bare id: 200" "$(sstatus "$URL/v1/blocks/$h")" 200
expect "signed locator bearer (no credentials): 200" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/blocks/$loc")" 200
expect "bob: the block index: 403" "$(ustatus bob "$URL/v1/blocks")" 403
expect "admin: the block index: 200" "$(sstatus "$URL/v1/blocks")" 200
expect "bob: DELETE (trash) a block: 403" "$(ustatus bob -X DELETE "$URL/v1/blocks/$h")" 403
check "  ... still stored" test -f "$(block_path "$DATA" "$h")"
expect "bob: untrash: 403" "$(ustatus bob -X POST "$URL/v1/blocks/$h/untrash")" 403
expect "anonymous: PUT a block: 403" "$(curl -s -o /dev/null -w '%{http_code}' -T "$T/secret.bin" "$URL/v1/blocks/$h")" 403
# "missing?" is no oracle: bob learns nothing about alice's block; alice sees her own
expect "bob: missing? for alice's block says missing" "$(ucurl bob -X POST -d "[\"$h\"]" "$URL/v1/blocks/missing")" "[\"$h\"]"
nothere=$(printf 'x%.0s' {1..10} | sha256sum | cut -c1-64)
expect "bob: missing? for a block nobody stored says the same" "$(ucurl bob -X POST -d "[\"$nothere\"]" "$URL/v1/blocks/missing")" "[\"$nothere\"]"
expect "alice: missing? for her own block says present" "$(ucurl alice -X POST -d "[\"$h\"]" "$URL/v1/blocks/missing")" "[]"

# ---- datasets: owner writes; other users cannot read a private one, move tags or claim blocks ----
mkdir -p "$T/tree/sub"; cp "$T/secret.bin" "$T/tree/secret.bin"; echo hello > "$T/tree/sub/a.txt"
check "alice: push private dataset" as_user alice "$CAIRN" push -q alicedata:v1,latest "$T/tree"
expect "bob: GET alice's private dataset tags: 403" "$(ustatus bob "$URL/v1/datasets/alicedata/tags/latest")" 403
expect "anonymous: GET tags: 403" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/datasets/alicedata/tags/latest")" 403
ver=$(ucurl alice "$URL/v1/datasets/alicedata/tags/latest" | sed 's/.*"version":"\([0-9a-f]*\)".*/\1/')
expect "bob: GET the version's manifest: 403" "$(ustatus bob "$URL/v1/datasets/alicedata/versions/$ver")" 403
expect "bob: GET the version's locators: 403" "$(ustatus bob "$URL/v1/datasets/alicedata/versions/$ver/locators")" 403
expect "bob: move alice's floating tag: 403" "$(ustatus bob -X PUT -d "{\"version\":\"$ver\"}" "$URL/v1/datasets/alicedata/tags/stable")" 403
expect "bob: delete alice's floating tag: 403" "$(ustatus bob -X DELETE "$URL/v1/datasets/alicedata/tags/latest")" 403
expect "  ... latest still points at v1" "$(ucurl alice "$URL/v1/datasets/alicedata/tags/latest" | grep -c "$ver")" 1
check "bob: cairn tag on alice's dataset fails" sh -c "! CAIRN_ACCESS_KEY=$BOB_AK CAIRN_SECRET_KEY=$BOB_SK '$CAIRN' tag alicedata:v1 alicedata:stolen"
check "bob: cairn pull of alice's private dataset fails" sh -c "! CAIRN_ACCESS_KEY=$BOB_AK CAIRN_SECRET_KEY=$BOB_SK '$CAIRN' pull -q alicedata:latest '$T/bobpull'"
expect "bob: /fs of alice's private dataset: 403" "$(ustatus bob "$URL/fs/alicedata/latest/sub/a.txt")" 403
expect "anonymous: /dav of alice's private dataset: 403" "$(curl -s -o /dev/null -w '%{http_code}' -X PROPFIND -H 'Depth: 1' "$URL/dav/alicedata/latest/")" 403
expect "alice: /fs of her dataset: 200" "$(ustatus alice "$URL/fs/alicedata/latest/sub/a.txt")" 200
expect "admin: /fs of alice's dataset: 200" "$(sstatus "$URL/fs/alicedata/latest/sub/a.txt")" 200
# the manifest claim: bob names alice's block (he knows its SHA-256) in his own dataset
size=$(stat -c %s "$T/secret.bin")
cat > "$T/claim.json" <<JSON
{"files":[{"path":"stolen.bin","type":"file","mode":420,"size":$size,"mtime":0,"blocks":["$h+$size"]}]}
JSON
code=$(ucurl bob -o "$T/claim.out" -w '%{http_code}' -X POST --data-binary @"$T/claim.json" "$URL/v1/datasets/bobdata/versions")
expect "bob: a manifest naming a block he never uploaded: 403" "$code" 403
check "  ... AccessDenied" grep -q AccessDenied "$T/claim.out"
expect "  ... no dataset was created" "$(ustatus bob "$URL/v1/datasets/bobdata")" 404
sed "s/$h/$nothere/" "$T/claim.json" > "$T/claim2.json"
code=$(ucurl bob -o "$T/claim2.out" -w '%{http_code}' -X POST --data-binary @"$T/claim2.json" "$URL/v1/datasets/bobdata/versions")
expect "bob: the same for a block that does not exist: the same 403" "$code" 403
# bob holds the same bytes: uploading them proves it, then the same manifest commits
check "bob: put-block of the same bytes" as_user bob "$CAIRN" put-block "$T/secret.bin"
code=$(ucurl bob -o /dev/null -w '%{http_code}' -X POST --data-binary @"$T/claim.json" "$URL/v1/datasets/bobdata/versions")
expect "bob: after uploading the bytes himself the manifest commits: 201" "$code" 201
# public datasets: anyone reads, only the owner writes
check "bob: cannot make alice's dataset public" sh -c "! CAIRN_ACCESS_KEY=$BOB_AK CAIRN_SECRET_KEY=$BOB_SK '$CAIRN' dataset public alicedata on"
check "alice: makes her dataset public" as_user alice "$CAIRN" dataset public alicedata on
expect "anonymous: /fs of the public dataset: 200" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/fs/alicedata/latest/sub/a.txt")" 200
check "bob: pull of the public dataset (blocks through signed locators)" as_user bob "$CAIRN" pull -q alicedata:latest "$T/bobpull"
check "  ... identical tree" diff -r "$T/tree" "$T/bobpull"
expect "bob: still cannot move its tags: 403" "$(ustatus bob -X PUT -d "{\"version\":\"$ver\"}" "$URL/v1/datasets/alicedata/tags/latest")" 403
expect "anonymous: listing datasets: 403" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/datasets")" 403
check "bob: the dataset list shows public alicedata and his own, nothing private" sh -c "CAIRN_ACCESS_KEY=$BOB_AK CAIRN_SECRET_KEY=$BOB_SK '$CAIRN' ls | grep -q alicedata"
