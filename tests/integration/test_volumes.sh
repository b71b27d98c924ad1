#!/usr/bin/env bash
# Volume options and policies: serialize_io and read_only volumes, verify_dedup=always replacing
# a corrupt stored copy, verify_dedup=size trusting one, and a slow client that stalls nobody.
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/ro"
start_server --volumes "$T/ser:serialize_io,$T/ro:read_only" --verify-dedup always || exit 1
head -c 3000000 /dev/urandom > "$T/a"; h=$(sha "$T/a")
expect "PUT to a serialize_io volume" "$(put_file "$T/a")" 200
check "  ... stored there, not on the read_only volume" sh -c "test -e '$(block_path "$T/ser" "$h")' && test ! -e '$(block_path "$T/ro" "$h")'"
scurl -o "$T/got" -H 'Range: bytes=1000-2999999' "$URL/v1/blocks/$h"
expect "ranged GET from a serialize_io volume (no sendfile)" "$(sha "$T/got")" "$(tail -c +1001 "$T/a" | sha256sum | cut -c1-64)"
corrupt "$(block_path "$T/ser" "$h")" 5 4
expect "verify_dedup=always: re-PUT over a corrupt copy succeeds" "$(put_file "$T/a")" 200
expect "  ... and replaces the corrupt copy" "$(sha "$(block_path "$T/ser" "$h")")" "$h"
stop_server

# a block placed by hand on a read-only volume is served from it
mkdir -p "$T/ro2/blocks/${h:0:2}"; cp "$T/a" "$(block_path "$T/ro2" "$h")"
rm -rf "$T/data"
start_server --volumes "$T/rw,$T/ro2:read_only" || exit 1
expect "GET from a read_only volume" "$(scurl "$URL/v1/blocks/$h" | sha256sum | cut -c1-64)" "$h"
expect "DELETE cannot trash on a read_only volume: 507" "$(sstatus -X DELETE "$URL/v1/blocks/$h")" 507
check "  ... the file is still there" test -e "$(block_path "$T/ro2" "$h")"
stop_server

# verify_dedup=size (default): a same-size corrupt copy is trusted on PUT but caught on GET
rm -rf "$T/data"
start_server || exit 1
put_file "$T/a" > /dev/null
corrupt "$(block_path "$DATA" "$h")" 5 4
expect "verify_dedup=size: re-PUT over a same-size copy is a dedup hit" "$(put_file "$T/a")" 200
check "  ... the stored copy was not rewritten" test "$(sha "$(block_path "$DATA" "$h")")" != "$h"
check "  ... but GET never serves it" test "$(sstatus "$URL/v1/blocks/$h")" != 200

# a slow uploader (1 MiB at 100 KiB/s) does not stall other requests
id=$(head -c 1048576 /dev/zero | tr '\0' x | sha256sum | cut -c1-64)
$PY "$(dirname "$0")/slow_put.py" "$URL/v1/blocks/$id" 1048576 1048576 100000 --finish > "$T/slow.out" &
slow=$!
sleep 0.5
head -c 1000 /dev/urandom > "$T/b"
t0=$(date +%s%N)
for i in $(seq 20); do put_file "$T/b" > /dev/null; sstatus "$URL/v1/blocks/$(sha "$T/b")" > /dev/null; done
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "40 requests during a slow upload finish long before it does (${ms} ms)" test "$(kill -0 $slow 2>/dev/null && echo running)" = running
wait $slow
expect "  ... and the slow upload completes" "$(awk '{print $2}' "$T/slow.out")" 200
