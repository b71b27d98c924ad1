#!/usr/bin/env bash
# Transfers and the bounded buffer pool: a client that disconnects mid-PUT leaves nothing; with a
# pool of one buffer 8 concurrent PUTs all succeed; an exhausted pool answers 503 + Retry-After.
. "$(dirname "$0")/lib.sh"
start_server --buffers 1 --buffer-wait 200ms || exit 1
id=$(head -c 1048576 /dev/zero | tr '\0' x | sha256sum | cut -c1-64)
$PY "$(dirname "$0")/slow_put.py" "$URL/v1/blocks/$id" 1048576 300000 0
sleep 0.3
expect "disconnect mid-PUT: no block" "$(test -e "$(block_path "$DATA" "$id")" && echo present || echo absent)" absent
expect "disconnect mid-PUT: no temp file" "$(count_files "$DATA/tmp")" 0
check "disconnect mid-PUT is logged as aborted" grep -q 'client_disconnected_or_aborted' "$T/server.log"

# hold the only buffer with a slow upload, then another PUT gets 503 + Retry-After
scurl -o /dev/null -X PUT "$URL/slowb"
$PY "$(dirname "$0")/slow_put.py" "$URL/v1/blocks/$id" 1048576 1048576 400000 --finish > "$T/slow.out" &
slow=$!
sleep 0.5
head -c 1000 /dev/urandom > "$T/a"
HASH=$(sha "$T/a") scurl -D "$T/h" -o "$T/err" -T "$T/a" "$URL/v1/blocks/$(sha "$T/a")" > /dev/null
expect "PUT while the pool is exhausted: 503" "$(grep '^HTTP' "$T/h" | tail -1 | awk '{print $2}')" 503
check "  ... with Retry-After" grep -qi '^retry-after: ' "$T/h"
check "  ... SlowDown error" grep -q '"code":"SlowDown"' "$T/err"
head -c 200000 /dev/urandom > "$T/b200k"   # over inline_max: it needs a pool buffer
scurl -D "$T/h" -o "$T/err" -T "$T/b200k" "$URL/slowb/obj" > /dev/null
expect "S3 PutObject while the pool is exhausted: 503" "$(grep '^HTTP' "$T/h" | tail -1 | awk '{print $2}')" 503
check "  ... with an S3 XML SlowDown error" grep -q '<Code>SlowDown</Code>' "$T/err"
expect "  ... and no object" "$(sstatus "$URL/slowb/obj")" 404
wait $slow
expect "the slow upload itself completes" "$(awk '{print $2}' "$T/slow.out")" 200
stop_server

# one buffer, 8 concurrent 2 MiB PUTs, generous wait: all succeed, one after another
start_server --buffers 1 --buffer-wait 30s || exit 1
for i in $(seq 8); do head -c 2097152 /dev/urandom > "$T/p$i"; done
pids=""
for i in $(seq 8); do (put_file "$T/p$i" > "$T/code$i") & pids="$pids $!"; done
wait $pids
n=0; for i in $(seq 8); do [ "$(cat "$T/code$i")" = 200 ] && n=$((n+1)); done
expect "pool of one buffer: 8 concurrent PUTs all succeed" "$n" 8
n=0; for i in $(seq 8); do [ "$(sha "$(block_path "$DATA" "$(sha "$T/p$i")")")" = "$(sha "$T/p$i")" ] && n=$((n+1)); done
expect "  ... and all 8 blocks are stored intact" "$n" 8
expect "  ... the pool never grew past one buffer" "$(scurl "$URL/v1/status" | grep -o '"allocated":[0-9]*')" '"allocated":1'

# header limit
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $(head -c 100000 /dev/zero | tr '\0' a)" "$URL/healthz")
check "oversized headers are refused (got $code)" test "$code" -ge 400

# an S3 GET that finds the pool empty waits for a buffer instead of failing mid-stream
start_server --buffers 1 --buffer-wait 30s || exit 1
export AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
/usr/bin/aws --endpoint-url "$URL" s3 mb s3://pool > /dev/null
head -c 3000000 /dev/urandom > "$T/obj"
/usr/bin/aws --endpoint-url "$URL" s3 cp "$T/obj" s3://pool/obj > /dev/null
id=$(head -c 1048576 /dev/zero | tr '\0' y | sha256sum | cut -c1-64)
$PY "$(dirname "$0")/slow_put.py" "$URL/v1/blocks/$id" 1048576 1048576 700000 --finish > "$T/slow2.out" &
slow=$!
sleep 0.4
scurl -o "$T/obj.back" -w '%{http_code}' "$URL/pool/obj" > "$T/code"
expect "S3 GET while the only buffer is held: waits, then 200" "$(cat "$T/code")" 200
check "  ... complete bytes" cmp "$T/obj" "$T/obj.back"
wait $slow
