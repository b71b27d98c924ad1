#!/usr/bin/env bash
# A block corrupted on disk is never served as a 200 with bad bytes; fsck finds and quarantines
# it; with two volumes and replicas = 2 the read is served from the good copy and the bad copy is
# rewritten (read repair).
. "$(dirname "$0")/lib.sh"
start_server || exit 1
head -c 3000000 /dev/urandom > "$T/a"; h=$(sha "$T/a")
put_file "$T/a" > /dev/null
corrupt "$(block_path "$DATA" "$h")" 2000000 4
bad_sha=$(sha "$(block_path "$DATA" "$h")")
code=$(scurl -o "$T/got" -w '%{http_code}' "$URL/v1/blocks/$h")
check "GET of a corrupt block is not 200 (got $code)" test "$code" != 200
check "  ... and the corrupt bytes were not delivered" test "$(sha "$T/got")" != "$bad_sha"
check "  ... nor the first 2 MB of them" sh -c "test \$(stat -c %s '$T/got') -lt 1000"
expect "  ... the corrupt block was quarantined" "$(count_files "$DATA/quarantine")" 1
expect "  ... later GETs are 404" "$(sstatus "$URL/v1/blocks/$h")" 404
expect "  ... counted in /v1/status" "$(scurl "$URL/v1/status" | grep -o '"corrupt":[0-9]*')" '"corrupt":1'
check "  ... logged" grep -q "is corrupt" "$T/server.log"
put_file "$T/a" > /dev/null
corrupt "$(block_path "$DATA" "$h")" 10
expect "ranged GET of a corrupt block: not 206" "$(sstatus -H 'Range: bytes=0-99' "$URL/v1/blocks/$h")" 500
stop_server

# fsck without a server
head -c 1000 /dev/urandom > "$T/b"; hb=$(sha "$T/b")
start_server || exit 1
put_file "$T/b" > /dev/null
stop_server
"$CAIRN" fsck "$DATA" > "$T/fsck.out"
expect "fsck of a clean volume exits 0" "$?" 0
corrupt "$(block_path "$DATA" "$hb")" 0
"$CAIRN" fsck "$DATA" > "$T/fsck.out" 2>"$T/fsck.err"
expect "fsck with a corrupt block exits 1" "$?" 1
check "  ... reports it" grep -q "1 corrupt" "$T/fsck.out"
check "  ... quarantined it" test ! -e "$(block_path "$DATA" "$hb")"

# two volumes, two replicas: read repair
rm -rf "$T/data"
start_server --volumes "$T/v1,$T/v2" --replicas 2 || exit 1
head -c 2000000 /dev/urandom > "$T/c"; hc=$(sha "$T/c")
expect "PUT with replicas=2" "$(put_file "$T/c")" 200
expect "  ... stored twice" "$(grep -i '^x-cairn-replicas' <(HASH=$hc scurl -D - -o /dev/null -T "$T/c" "$URL/v1/blocks/$hc") | tr -d '\r' | cut -d' ' -f2)" 2
first=$(scurl -I "$URL/v1/blocks/$hc" | tr -d '\r' | awk 'tolower($1)=="x-cairn-volumes:"{print $2}' | cut -d, -f1)
for v in "$T/v1" "$T/v2"; do [ "$(cat "$v/volume-id")" = "$first" ] && bad=$v; done
corrupt "$(block_path "$bad" "$hc")" 1000 4
check "the copy read first is now corrupt" test "$(sha "$(block_path "$bad" "$hc")")" != "$hc"
code=$(scurl -o "$T/got" -w '%{http_code}' "$URL/v1/blocks/$hc")
expect "GET with one corrupt replica: 200" "$code" 200
expect "  ... with the right bytes" "$(sha "$T/got")" "$hc"
expect "  ... the bad copy was rewritten (read repair)" "$(sha "$(block_path "$bad" "$hc")")" "$hc"
expect "  ... and the corrupt one quarantined" "$(count_files "$bad/quarantine")" 1
expect "  ... repaired counted" "$(scurl "$URL/v1/status" | grep -o '"repaired":[0-9]*')" '"repaired":1'
check "fsck of both volumes is clean" "$CAIRN" fsck "$T/v1" "$T/v2"
