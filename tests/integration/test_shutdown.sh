#!/usr/bin/env bash
# Graceful shutdown: SIGTERM lets an in-flight upload finish, aborts the ones that outlive the
# deadline, exits 0, and a restart finds no temp files and no partial blocks.
. "$(dirname "$0")/lib.sh"
start_server --shutdown-timeout 2s || exit 1
head -c 1048576 /dev/urandom > "$T/a"; ha=$(sha "$T/a")
# finishes within the deadline (1 MiB at 1 MiB/s)
HASH=$ha scurl -o /dev/null -w '%{http_code}' --limit-rate 1M -T "$T/a" "$URL/v1/blocks/$ha" > "$T/ok.code" &
c1=$!
# never finishes: 8 MiB announced, 3 MiB sent slowly
ids=""
for i in 1 2 3; do
  id=$(printf 'never%d' $i | sha256sum | cut -c1-64); ids="$ids $id"
  $PY "$(dirname "$0")/slow_put.py" "$URL/v1/blocks/$id" 8388608 3000000 200000 > /dev/null 2>&1 &
done
sleep 0.4
t0=$(date +%s%N)
kill -TERM $SERVER_PID
wait $SERVER_PID; rc=$?
SERVER_PID=
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
expect "SIGTERM: exit status 0" "$rc" 0
check "SIGTERM: stopped within the deadline plus slack (${ms} ms)" test "$ms" -lt 5000
wait $c1
expect "the upload in flight at SIGTERM completed" "$(cat "$T/ok.code")" 200
expect "  ... and is stored" "$(sha "$(block_path "$DATA" "$ha")")" "$ha"
expect "no temp files after shutdown" "$(count_files "$DATA/tmp")" 0
n=0; for id in $ids; do [ -e "$(block_path "$DATA" "$id")" ] && n=$((n+1)); done
expect "no partial blocks from the aborted uploads" "$n" 0
check "shutdown logged the drain" grep -q 'draining' "$T/server.log"
wait 2>/dev/null

# kill -9 during uploads: the restart removes temp files
start_server || exit 1
kids=""
for i in 1 2; do
  id=$(printf 'kill%d' $i | sha256sum | cut -c1-64); kids="$kids $id"
  $PY "$(dirname "$0")/slow_put.py" "$URL/v1/blocks/$id" 8388608 4000000 2000000 > /dev/null 2>&1 &
done
temps() { test "$(count_files "$DATA/tmp")" -gt 0; }
check "temp files exist while uploads run" wait_for 30 temps
kill -9 $SERVER_PID; wait $SERVER_PID 2>/dev/null; SERVER_PID=
wait 2>/dev/null
start_server || exit 1
expect "after kill -9 and restart: no temp files" "$(count_files "$DATA/tmp")" 0
n=0; for id in $kids; do scurl "$URL/v1/blocks" | grep -q "^$id" && n=$((n+1)); done
expect "  ... and no partial blocks" "$n" 0
expect "  ... the block stored before is still there" "$(scurl "$URL/v1/blocks" | grep -c "^$ha+")" 1
