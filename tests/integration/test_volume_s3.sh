#!/usr/bin/env bash
# A volume on an S3 store: cairn's blocks in a bucket of a Ceph RGW started here (ceph.sh, RGW=1),
# driven through cairn's S3 API by the aws cli: writes and reads, the block index, gc to trash and
# the trash emptied, a corrupt block never served whole and quarantined, a wrong key refused at
# start with one line; direct reads (307 to a presigned URL of the store) for clients that ask.
. "$(dirname "$0")/lib.sh"
for c in ceph-mon ceph-osd radosgw; do
  command -v $c > /dev/null || { echo "ok - SKIP s3 volume: $c is not installed"; exit 0; }
done
HARNESS="$(dirname "$0")/ceph.sh"
C=$T/ceph
trap 'stop_server; bash "$HARNESS" down "$C" > /dev/null 2>&1; rm -rf "$T"' EXIT
FS=0 RGW=1 bash "$HARNESS" up "$C" > "$T/ceph.out" 2>&1 || { fail "Ceph RGW could not be started (see below)"; cat "$T/ceph.out"; exit 1; }
. "$C/s3.env"
rgw() { AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY AWS_DEFAULT_REGION=us-east-1 /usr/bin/aws --endpoint-url "$S3_URL" "$@"; }
rgw s3 mb s3://cairnblocks > /dev/null
out=$("$CAIRN" serve --listen 127.0.0.1:0 --data-dir "$T/bad" --volumes s3://cairnblocks/pfx --s3-endpoint "$S3_URL" \
      --s3-access-key "$S3_ACCESS_KEY" --s3-secret-key wrong 2>&1); rc=$?
check "a wrong S3 secret: serve exits non-zero, saying which volume" sh -c "test $rc != 0 && echo '$out' | grep -q 'cannot open volume s3://cairnblocks/pfx'"
start_server --volumes s3://cairnblocks/pfx --s3-endpoint "$S3_URL" --s3-access-key "$S3_ACCESS_KEY" --s3-secret-key "$S3_SECRET_KEY" \
  --gc-grace 0s --gc-interval 0 --trash-lifetime 20s --trash-interval 1s || exit 1
export AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
aws() { /usr/bin/aws --endpoint-url "$URL" "$@"; }
aws s3 mb s3://data > /dev/null
head -c 5000000 /dev/urandom > "$T/a"; head -c 3000000 /dev/urandom > "$T/b"
check "PUT through cairn" aws s3 cp "$T/a" s3://data/a
aws s3 cp "$T/b" s3://data/b > /dev/null
aws s3 cp s3://data/a "$T/a.back" > /dev/null
expect "  ... and GET back whole" "$(sha "$T/a.back")" "$(sha "$T/a")"
rgw s3 ls --recursive s3://cairnblocks > "$T/ls"
check "the blocks are objects pfx/blocks/<sha256> in the bucket" grep -Eq ' pfx/blocks/[0-9a-f]{64}$' "$T/ls"
n=$(grep -c ' pfx/blocks/' "$T/ls")
expect "the block index (/v1/blocks) lists them" "$(scurl "$URL/v1/blocks" | grep -c '+')" "$n"
aws s3 rm s3://data/b > /dev/null
out=$("$CAIRN" gc)
check "gc moves the unreferenced blocks to the trash" sh -c "echo '$out' | grep -q '\"trashed\":[1-9]' && /bin/true"
check "  ... as pfx/trash/<id>.<deadline>" sh -c "AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY /usr/bin/aws --endpoint-url $S3_URL s3 ls --recursive s3://cairnblocks | grep -Eq ' pfx/trash/[0-9a-f]{64}\.[0-9]+$'"
# a block written straight to the store and trashed: untrash brings it back
head -c 4000 /dev/urandom > "$T/blk"; h=$(sha "$T/blk")
put_file "$T/blk" > /dev/null
expect "DELETE /v1/blocks/<id> (to the trash)" "$(sstatus -X DELETE "$URL/v1/blocks/$h")" 200
expect "  ... and POST .../untrash brings it back" "$(sstatus -X POST "$URL/v1/blocks/$h/untrash")" 200
check "  ... as pfx/blocks/<id> again" sh -c "AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY /usr/bin/aws --endpoint-url $S3_URL s3 ls s3://cairnblocks/pfx/blocks/$h | grep -q $h"
trash_gone() { ! rgw s3 ls --recursive s3://cairnblocks | grep -q ' pfx/trash/'; }
check "the trash is emptied after trash_lifetime" wait_for 90 trash_gone
aws s3 cp s3://data/a "$T/a.back2" > /dev/null
expect "  ... while the live object still reads back" "$(sha "$T/a.back2")" "$(sha "$T/a")"
# a block changed in the store: never served whole, quarantined
# (one of a's blocks: the only other block left is $h, which no object uses)
blk=$(rgw s3 ls --recursive s3://cairnblocks | awk '/ pfx\/blocks\//{print $4}' | grep -v "$h" | head -1)
head -c 1000 /dev/urandom > "$T/junk"
rgw s3 cp "$T/junk" "s3://cairnblocks/$blk" > /dev/null
rm -f "$T/got"
code=$(scurl -o "$T/got" -w '%{http_code}' "$URL/data/a")
got=$(stat -c %s "$T/got" 2>/dev/null || echo 0)
check "a corrupt block in the store: no complete 200 (got $code, $got bytes)" sh -c "test '$code' != 200 || test '$got' != 5000000"
check "  ... and it went to pfx/quarantine/" sh -c "AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY /usr/bin/aws --endpoint-url $S3_URL s3 ls --recursive s3://cairnblocks | grep -q ' pfx/quarantine/'"

# direct reads are off unless configured: the header alone changes nothing
expect "X-Cairn-Redirect: allow without direct_reads: 200 through the gateway" \
  "$(scurl -o /dev/null -w '%{http_code}' -H 'X-Cairn-Redirect: allow' "$URL/data/a")" 200
# direct reads: with direct_reads on, a GET asking for it (X-Cairn-Redirect: allow) answers 307 to
# a presigned URL of the store; the CLI follows it and still verifies every block
start_server --volumes s3://cairnblocks/pfx --s3-endpoint "$S3_URL" --s3-access-key "$S3_ACCESS_KEY" --s3-secret-key "$S3_SECRET_KEY" \
  --direct-reads 1 || exit 1
head -c 300000 /dev/urandom > "$T/d1"; h1=$(sha "$T/d1")
put_file "$T/d1" > /dev/null; loc=$(cat "$T/put.body")
hdrs=$(scurl -D - -o /dev/null -H 'X-Cairn-Redirect: allow' "$URL/v1/blocks/$loc")
location=$(echo "$hdrs" | tr -d '\r' | sed -n 's/^Location: //Ip')
check "GET /v1/blocks with X-Cairn-Redirect: allow answers 307" sh -c "echo '$hdrs' | head -1 | grep -q ' 307'"
check "  ... to a presigned URL of the store" sh -c "echo '$location' | grep -q '^$S3_URL/cairnblocks/pfx/blocks/$h1?.*X-Amz-Signature='"
curl -s -o "$T/d1.direct" "$location"
expect "  ... which serves the block, without the gateway" "$(sha "$T/d1.direct")" "$h1"
expect "  ... without the header: 200 through the gateway" "$(sstatus "$URL/v1/blocks/$loc")" 200
expect "  ... a header that is not exactly allow: 200 through the gateway" \
  "$(scurl -o /dev/null -w '%{http_code}' -H 'X-Cairn-Redirect: allow, https://evil.example/' "$URL/v1/blocks/$loc")" 200
before=$(scurl "$URL/metrics" | awk '/^cairn_direct_reads_total/{print $2}')
check "cairn get-block --direct: verified and written" "$CAIRN" get-block --direct "$loc" -o "$T/d1.cli"
expect "  ... the same bytes" "$(sha "$T/d1.cli" 2>/dev/null)" "$h1"
after=$(scurl "$URL/metrics" | awk '/^cairn_direct_reads_total/{print $2}')
expect "  ... read from the store (cairn_direct_reads_total +1)" "$((after - before))" 1
mkdir -p "$T/tree"; head -c 2500000 /dev/urandom > "$T/tree/big"; echo small > "$T/tree/small"
"$CAIRN" push -q direct:v1 "$T/tree" > /dev/null
out=$(CAIRN_CACHE_MAX=0 "$CAIRN" pull --direct direct:v1 "$T/tree.back" 2>&1)
check "cairn pull --direct: the tree comes back whole" diff -r "$T/tree" "$T/tree.back"
check "  ... its blocks read straight from the store ($(echo "$out" | grep -o '([0-9]* blocks directly'))" \
  sh -c "echo '$out' | grep -q '([1-9][0-9]* blocks directly from the store)'"
# a block changed in the store: the client's own verification refuses it
rgw s3 cp "$T/junk" "s3://cairnblocks/pfx/blocks/$h1" > /dev/null
"$CAIRN" get-block --direct "$loc" -o "$T/d1.bad" > /dev/null 2> "$T/bad.err"; rc=$?
check "get-block --direct of a block changed in the store fails verification, nothing written" \
  sh -c "test $rc != 0 && grep -q 'failed verification' '$T/bad.err' && test ! -e '$T/d1.bad'"
# an object that is one whole block: a direct read too; a larger one streams through the gateway
head -c 400000 /dev/urandom > "$T/o1"; aws s3 cp "$T/o1" s3://data/o1 > /dev/null
hdrs=$(scurl -D - -o /dev/null -H 'X-Cairn-Redirect: allow' "$URL/data/o1")
location=$(echo "$hdrs" | tr -d '\r' | sed -n 's/^Location: //Ip')
check "GET of a one-block object with X-Cairn-Redirect: allow: 307 to the store" sh -c "echo '$hdrs' | head -1 | grep -q ' 307' && echo '$location' | grep -q '^$S3_URL/'"
curl -s -o "$T/o1.direct" "$location"
expect "  ... which serves the object's bytes" "$(sha "$T/o1.direct")" "$(sha "$T/o1")"
expect "  ... a ranged GET is served by the gateway" "$(scurl -o /dev/null -w '%{http_code}' -H 'X-Cairn-Redirect: allow' -H 'Range: bytes=0-9' "$URL/data/o1")" 206
expect "  ... and so is a many-block object" "$(scurl -o /dev/null -w '%{http_code}' -H 'X-Cairn-Redirect: allow' "$URL/data/a")" 200
