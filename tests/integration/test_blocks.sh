#!/usr/bin/env bash
# Block API round trips with curl and the CLI: sizes, HEAD, ranges, index, missing, refusals
# that leave nothing on disk, trash and untrash.
. "$(dirname "$0")/lib.sh"
start_server --trash-interval 1s || exit 1

for size in 0 1 1048576 8388608; do
  head -c $size /dev/urandom > "$T/b$size"
  h=$(sha "$T/b$size")
  expect "PUT ${size} B block answers 200" "$(put_file "$T/b$size")" 200
  loc=$(cat "$T/put.body")
  expect "PUT ${size} B returns a signed locator" "$(echo "$loc" | grep -cE "^$h\+$size\+A[0-9a-f]{64}@[0-9a-f]+$")" 1
  scurl -o "$T/got" "$URL/v1/blocks/$h"
  expect "GET ${size} B block returns the same bytes" "$(sha "$T/got")" "$h"
  "$CAIRN" get-block "$loc" -o "$T/cli$size"
  expect "cairn get-block ${size} B verifies and writes" "$(sha "$T/cli$size")" "$h"
  expect "HEAD ${size} B Content-Length" "$(scurl -I "$URL/v1/blocks/$h" | tr -d '\r' | awk 'tolower($1)=="content-length:"{print $2}')" "$size"
done

# CLI put-block from stdin, then a second identical PUT is a dedup hit
loc=$(head -c 5000 /dev/zero | "$CAIRN" put-block -)
expect "cairn put-block - prints a locator" "${loc:0:64}" "$(head -c 5000 /dev/zero | sha256sum | cut -c1-64)"
before=$(stat -c %Y "$(block_path "$DATA" "${loc:0:64}")")
wait_for 10 test "$(date +%s)" -gt "$before"   # mtimes have 1 s resolution here
head -c 5000 /dev/zero | "$CAIRN" put-block - > /dev/null
after=$(stat -c %Y "$(block_path "$DATA" "${loc:0:64}")")
check "re-PUT of an existing block touches its mtime" test "$after" -gt "$before"

# refusals: nothing stored, nothing left in tmp/
head -c 1000 /dev/urandom > "$T/x"; h=$(sha "$T/x")
wrong=$(echo wrong | sha256sum | cut -c1-64)
code=$(HASH=$h scurl -o "$T/err" -w '%{http_code}' -T "$T/x" "$URL/v1/blocks/$wrong")
expect "PUT with a body that does not hash to the id: 422" "$code" 422
expect "  ... JSON error code" "$(grep -o '"code":"[A-Za-z]*"' "$T/err")" '"code":"HashMismatch"'
check "  ... block not stored" test ! -e "$(block_path "$DATA" "$wrong")"
code=$(HASH=UNSIGNED-PAYLOAD scurl -o /dev/null -w '%{http_code}' -T "$T/x" "$URL/v1/blocks/$wrong")
expect "PUT unsigned-payload with wrong hash: 422" "$code" 422
code=$(HASH=$h scurl -o "$T/err" -w '%{http_code}' -T "$T/x" "$URL/v1/blocks/$h+999")
expect "PUT with a size that differs from the locator: 422" "$code" 422
check "  ... block not stored" test ! -e "$(block_path "$DATA" "$h")"
head -c 8388609 /dev/zero > "$T/big"; hb=$(sha "$T/big")
code=$(HASH=$hb scurl -o "$T/err" -w '%{http_code}' -T "$T/big" "$URL/v1/blocks/$hb")
expect "PUT over max_block: 413" "$code" 413
code=$(sstatus -X PUT --data-binary @"$T/x" "$URL/v1/blocks/not-a-hash")
expect "PUT to a malformed id: 400" "$code" 400
# chunked body without Content-Length, hash checked at the end
code=$(HASH=UNSIGNED-PAYLOAD scurl -o /dev/null -w '%{http_code}' -H "Transfer-Encoding: chunked" -T - "$URL/v1/blocks/$wrong" < "$T/x")
expect "chunked PUT with wrong hash: 422" "$code" 422
expect "no temp files after refusals" "$(count_files "$DATA/tmp")" 0

# ranges
h=$(sha "$T/b1048576")
scurl -o "$T/r" -H "Range: bytes=100-199" -D "$T/rh" "$URL/v1/blocks/$h"
expect "Range bytes=100-199: 206" "$(head -1 "$T/rh" | awk '{print $2}')" 206
expect "  ... the right bytes" "$(sha "$T/r")" "$(tail -c +101 "$T/b1048576" | head -c 100 | sha256sum | cut -c1-64)"
expect "  ... Content-Range" "$(grep -i '^content-range' "$T/rh" | tr -d '\r' | cut -d' ' -f2-)" "bytes 100-199/1048576"
scurl -o "$T/r" -H "Range: bytes=-10" "$URL/v1/blocks/$h"
expect "Range bytes=-10: last ten bytes" "$(sha "$T/r")" "$(tail -c 10 "$T/b1048576" | sha256sum | cut -c1-64)"
code=$(sstatus -H "Range: bytes=2000000-" "$URL/v1/blocks/$h")
expect "unsatisfiable Range: 416" "$code" 416
code=$(sstatus -H "Range: bytes=0-1,5-6" "$URL/v1/blocks/$h")
expect "multiple ranges: whole body 200" "$code" 200

# missing and index
h0=$(sha "$T/b0"); absent=$(echo absent | sha256sum | cut -c1-64)
out=$(scurl -X POST -H 'Content-Type: application/json' --data "[\"$h0\",\"$absent\",\"$h+1048576\"]" "$URL/v1/blocks/missing")
expect "POST /v1/blocks/missing lists only the absent ids" "$out" "[\"$absent\"]"
code=$(sstatus -X POST --data 'not json' "$URL/v1/blocks/missing")
expect "POST missing with bad JSON: 400" "$code" 400
scurl "$URL/v1/blocks" > "$T/index"
expect "index lists every block once" "$(grep -c "+" "$T/index")" 5
expect "index ends with a blank line" "$(tail -c 2 "$T/index" | od -An -c | tr -d ' ')" '\n\n'
check "index line format" grep -qE "^$h\+1048576 [0-9]+$" "$T/index"
p=${h:0:3}
expect "index prefix filter" "$(scurl "$URL/v1/blocks?prefix=$p" | grep -c "^$p")" "$(grep -c "^$p" "$T/index")"
expect "index bad prefix: 400" "$(sstatus "$URL/v1/blocks?prefix=XYZ")" 400

# trash / untrash
expect "DELETE moves to trash: 200" "$(sstatus -X DELETE "$URL/v1/blocks/$h")" 200
expect "  ... then GET is 404" "$(sstatus "$URL/v1/blocks/$h")" 404
expect "untrash: 200" "$(sstatus -X POST "$URL/v1/blocks/$h/untrash")" 200
expect "  ... GET works again" "$(scurl "$URL/v1/blocks/$h" | sha256sum | cut -c1-64)" "$h"
expect "untrash of a block not in trash: 404" "$(sstatus -X POST "$URL/v1/blocks/$absent/untrash")" 404
expect "DELETE of an absent block: 404" "$(sstatus -X DELETE "$URL/v1/blocks/$absent")" 404
expect "unknown endpoint: 404" "$(sstatus "$URL/v2/nothing")" 404
expect "wrong method: 405" "$(sstatus -X PATCH "$URL/v1/blocks/$h")" 405
expect "healthz without auth: 200" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/healthz")" 200
expect "readyz: 200" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/readyz")" 200
check "every response has X-Request-Id" sh -c "curl -sI '$URL/healthz' | grep -qi '^x-request-id: [0-9a-f]\{16\}'"
check "access log: one JSON line per request with status and bytes" \
  grep -qE '"req":"[0-9a-f]{16}","method":"PUT","path":"/v1/blocks/[0-9a-f]{64}\+1048576","status":200,"bytes_in":1048576' "$T/server.log"
stop_server
