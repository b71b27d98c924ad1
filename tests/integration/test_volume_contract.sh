#!/usr/bin/env bash
# The volume contract: one set of checks run through cairn against every volume driver and store:
# a local directory, the S3 driver on Ceph RGW (ceph.sh), on s3rver (npm) and on a second cairn.
# Blocks written, read, stat'ed (HEAD), listed by the index, ranged; an object of several blocks
# whole; trash and untrash; gc to the trash and the trash emptied; an absent block is a 404.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HARNESS="$(dirname "$0")/ceph.sh"
C=$T/ceph
SPID= CPID=
trap 'stop_server; [ -n "$SPID" ] && kill $SPID; [ -n "$CPID" ] && kill $CPID; bash "$HARNESS" down "$C" > /dev/null 2>&1; rm -rf "$T"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# contract NAME [serve flags...]: the checks, against a fresh server on that volume
contract() {
  local name=$1; shift
  start_server --data-dir="$T/data-$name" --gc-grace 0s --gc-interval 0 --trash-lifetime 2s --trash-interval 1s "$@" || { fail "$name: cairn did not start"; return; }
  head -c 300000 /dev/urandom > "$T/blk"; local h; h=$(sha "$T/blk")
  expect "$name: PUT a block" "$(put_file "$T/blk")" 200
  scurl -o "$T/blk.back" "$URL/v1/blocks/$h"
  expect "$name:   ... GET it back" "$(sha "$T/blk.back")" "$h"
  expect "$name:   ... HEAD: its size" "$(scurl -I "$URL/v1/blocks/$h" | tr -d '\r' | sed -n 's/^Content-Length: //Ip')" 300000
  expect "$name:   ... a range of it" "$(scurl -H 'Range: bytes=1000-1999' "$URL/v1/blocks/$h" | sha256sum | cut -c1-64)" \
    "$(dd if="$T/blk" bs=1 skip=1000 count=1000 2>/dev/null | sha256sum | cut -c1-64)"
  check "$name:   ... the index lists it" sh -c "curl -s --aws-sigv4 aws:amz:us-east-1:s3 --user '$AK:$SK' -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' '$URL/v1/blocks' | grep -q $h"
  expect "$name: DELETE /v1/blocks (to the trash)" "$(sstatus -X DELETE "$URL/v1/blocks/$h")" 200
  expect "$name:   ... then GET is 404" "$(sstatus "$URL/v1/blocks/$h")" 404
  expect "$name:   ... untrash" "$(sstatus -X POST "$URL/v1/blocks/$h/untrash")" 200
  scurl -o "$T/blk.back2" "$URL/v1/blocks/$h"
  expect "$name:   ... and it reads back whole" "$(sha "$T/blk.back2")" "$h"
  expect "$name: an absent block is a 404" "$(sstatus "$URL/v1/blocks/$(printf '%064d' 7)")" 404
  head -c 6000000 /dev/urandom > "$T/obj"
  HASH=UNSIGNED-PAYLOAD scurl -o /dev/null -X PUT "$URL/contract" > /dev/null
  expect "$name: PUT an object of several blocks" "$(sstatus -T "$T/obj" "$URL/contract/obj")" 200
  scurl -o "$T/obj.back" "$URL/contract/obj"
  expect "$name:   ... GET it whole" "$(sha "$T/obj.back")" "$(sha "$T/obj")"
  sstatus -X DELETE "$URL/contract/obj" > /dev/null
  local out; out=$("$CAIRN" gc 2>&1)
  check "$name: gc moves its blocks to the trash" sh -c "echo '$out' | grep -q '\"trashed\":[1-9]'"
  emptied() { scurl "$URL/metrics" | grep -Eq '^cairn_trash_emptied_total [1-9]'; }
  check "$name:   ... and the trash is emptied after trash_lifetime" wait_for 60 emptied
  stop_server
}

mkdir -p "$T/local"
contract local --volumes "$T/local"

# a second cairn as the store
mkdir -p "$T/store-cairn"
"$CAIRN" serve --listen 127.0.0.1:0 --data-dir "$T/store-cairn" > /dev/null 2> "$T/store-cairn.log" &
CPID=$!
wait_for 10 grep -q 'listening on' "$T/store-cairn.log"
CURL2=$(grep -o 'http://127.0.0.1:[0-9]*' "$T/store-cairn.log" | head -1)
CAK=$(awk '/access_key/{print $3}' "$T/store-cairn/credentials"); CSK=$(awk '/secret_key/{print $3}' "$T/store-cairn/credentials")
curl -s -o /dev/null --aws-sigv4 aws:amz:us-east-1:s3 --user "$CAK:$CSK" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -X PUT "$CURL2/blocks"
contract cairn --volumes s3://blocks/pfx --s3-endpoint "$CURL2" --s3-access-key "$CAK" --s3-secret-key "$CSK"

# s3rver from npm
V="$ROOT/build/test-node"
if [ ! -x "$V/node_modules/.bin/s3rver" ]; then
  mkdir -p "$V"
  (cd "$V" && timeout 300 npm install --silent --no-audit --no-fund s3rver@3 > /dev/null 2>&1)
fi
if [ -x "$V/node_modules/.bin/s3rver" ]; then
  SP=$(free_port); mkdir -p "$T/s3rver"
  "$V/node_modules/.bin/s3rver" -d "$T/s3rver" -p "$SP" -a 127.0.0.1 --silent --configure-bucket blocks > /dev/null 2>&1 &
  SPID=$!
  wait_for 30 curl -s -o /dev/null "http://127.0.0.1:$SP/"
  contract s3rver --volumes s3://blocks/pfx --s3-endpoint "http://127.0.0.1:$SP" --s3-access-key S3RVER --s3-secret-key S3RVER
else
  fail "s3rver could not be installed from npm"
fi

# Ceph RGW
if command -v radosgw > /dev/null && command -v ceph-mon > /dev/null; then
  if FS=0 RGW=1 bash "$HARNESS" up "$C" > "$T/ceph.out" 2>&1; then
    . "$C/s3.env"
    AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY AWS_DEFAULT_REGION=us-east-1 /usr/bin/aws --endpoint-url "$S3_URL" s3 mb s3://blocks > /dev/null
    contract rgw --volumes s3://blocks/pfx --s3-endpoint "$S3_URL" --s3-access-key "$S3_ACCESS_KEY" --s3-secret-key "$S3_SECRET_KEY"
  else
    fail "Ceph RGW could not be started"; tail -20 "$T/ceph.out"
  fi
else
  echo "ok - SKIP rgw contract: Ceph is not installed"
fi
