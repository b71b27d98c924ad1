#!/usr/bin/env bash
# make bench, cost growth: one bucket filled with 1,000 objects of 1 MiB, then with small (4 KiB)
# objects to 10k, 100k and 1M, and at each size: list latency (ListObjectsV2's first page, a page
# in the middle, the first page with a delimiter, a prefix's first page; ListObjectVersions' first
# page and with a delimiter), HEAD and GET p50/p99/max with 16 connections, the same GETs while a
# gc runs (a pause shows as max), a gc run's time and the server's peak RSS, server start time
# (until /readyz answers 200), meta.db size per object and `cairn fsck` time per GiB; then a dataset
# of 100,000 files: push, pull, the /fs listing of a directory of 20,000, the FUSE mount's ls -lR.
# BENCH_SCALE=0 skips it (one line); BENCH_SCALE_MAX (default 1000000) stops the growth earlier.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
if [ "${BENCH_SCALE:-1}" = 0 ]; then echo "# growth: skipped (BENCH_SCALE=0)"; exit 0; fi
MAX=${BENCH_SCALE_MAX:-1000000}
SUITE=growth; . bench/lib.sh
B=$ROOT/build/bench-growth
rm -rf "$B"; mkdir -p "$B"
CAIRN=$ROOT/bin/cairn
LG=$ROOT/build/bench/loadgen
[ -x "$LG" ] || { mkdir -p "$(dirname "$LG")"; gcc -O2 -Wall -Wextra -Werror -o "$LG" bench/loadgen.c -lcurl -lcrypto; }
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; true' EXIT

# start: the server on its data directory; sets PID, URL, CRED and UP_S (seconds until /readyz is 200)
start() {
  cairn_start "$B/data" "$B/cairn.log" --gc-grace 0s
  PID=$CAIRN_PID URL=http://127.0.0.1:$CAIRN_PORT
}
stop() { cairn_stop; PID=; }
# median of 11 signed GETs of URL's path+query (its parameters in sorted order: curl 7.88 signs
# them as given) with an optional extra header, ms; "HTTP nnn" when one is not a 200
list_ms() {
  local out
  out=$(for _ in $(seq 11); do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --aws-sigv4 aws:amz:us-east-1:s3 --user "$CRED" \
      -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -H "${2:-X-Bench: 1}" "$URL/$1"
  done)
  if echo "$out" | grep -qv '^200 '; then echo "HTTP $(echo "$out" | grep -v '^200 ' | head -1 | cut -d' ' -f1)"; return; fi
  echo "$out" | cut -d' ' -f2 | sort -n | sed -n 6p | awk '{printf "%.1f", $1 * 1000}'
}

start
AWS_ACCESS_KEY_ID=${CRED%%:*} AWS_SECRET_ACCESS_KEY=${CRED#*:} /usr/bin/aws --endpoint-url "$URL" \
  --region us-east-1 s3 mb s3://bench > /dev/null
echo "# growth: one bucket, 1,000 x 1 MiB objects, then 4 KiB objects (keys XX/<sha256>) up to $MAX" | tee -a "$RES"
"$LG" put "$URL/bench/big/{id}" 1048576 1000 4 "$CRED" > "$B/ids-big" 2> "$B/put-big.txt"
have=0
: > "$B/ids"
for level in 10000 100000 1000000; do
  [ "$level" -le "$MAX" ] || break
  n=$((level - have))
  t0=$(now)
  "$LG" put "$URL/bench/{p}/{id}" 4096 "$n" 16 "$CRED" >> "$B/ids" 2> "$B/put.txt"
  have=$level
  k=$(printf "%'d" "$level")
  row "$k objects: fill rate of the last $(printf "%'d" "$n"), PUT/s (errors)" \
    "$(field ops_per_s < "$B/put.txt") ($(field errors < "$B/put.txt"))"
  mid=$(sort "$B/ids" | sed -n "$((level / 2))p")
  row "$k objects: ListObjectsV2 first page of 1000, ms" "$(list_ms "bench?list-type=2&max-keys=1000")"
  row "$k objects: ListObjectsV2 page from the middle, ms" "$(list_ms "bench?list-type=2&max-keys=1000&start-after=${mid:0:2}%2F$mid")"
  row "$k objects: ListObjectsV2 delimiter / (256 prefixes), ms" "$(list_ms "bench?delimiter=%2F&list-type=2")"
  row "$k objects: ListObjectsV2 prefix ab/ (1 key in 256), ms" "$(list_ms "bench?list-type=2&max-keys=1000&prefix=ab%2F")"
  row "$k objects: ListObjectVersions first page, ms" "$(list_ms "bench?max-keys=1000&versions=")"
  row "$k objects: ListObjectVersions delimiter /, ms" "$(list_ms "bench?delimiter=%2F&versions=")"
  "$LG" head "$URL/bench/{p}/{id}" "$B/ids" 20000 16 "$CRED" 2> "$B/head.txt" > /dev/null
  "$LG" get "$URL/bench/{p}/{id}" "$B/ids" 20000 16 "$CRED" 2> "$B/get.txt" > /dev/null
  for op in head get; do
    row "$k objects: $(echo $op | tr a-z A-Z) 4 KiB, 16 conns: ops/s, p50/p99/max ms" \
      "$(field ops_per_s < "$B/$op.txt"), $(field p50_ms < "$B/$op.txt")/$(field p99_ms < "$B/$op.txt")/$(field max_ms < "$B/$op.txt")"
  done
  # gc with GETs running beside it: its time, the server's peak RSS, and the GETs' worst latency
  "$LG" get "$URL/bench/{p}/{id}" "$B/ids" 400000 16 "$CRED" 2> "$B/get-gc.txt" > /dev/null &
  LGP=$!
  t0=$(now)
  CAIRN_URL=$URL CAIRN_ACCESS_KEY=${CRED%%:*} CAIRN_SECRET_KEY=${CRED#*:} "$CAIRN" gc > "$B/gc.json"
  gcs=$(echo "$(now) - $t0" | bc)
  kill -TERM $LGP 2>/dev/null; wait $LGP 2>/dev/null || true
  row "$k objects: gc run, s; server peak RSS MiB" "$(printf %.2f "$gcs"); $(awk '/VmHWM/{print int($2/1024)}' /proc/$PID/status)"
  row "$k objects: GETs during the gc: p99/max ms" "$(field p99_ms < "$B/get-gc.txt")/$(field max_ms < "$B/get-gc.txt")"
  stop
  db=$(du -cb "$B/data"/meta.db* | tail -1 | cut -f1)
  row "$k objects: meta.db (+WAL) bytes per object" "$((db / (level + 1000)))"
  t0=$(now)
  "$CAIRN" fsck "$B/data" > "$B/fsck.txt"
  fs=$(echo "$(now) - $t0" | bc)
  gib=$(awk '{gsub(",",""); for (i=1;i<=NF;i++) if ($(i+1) ~ /^bytes/) print $i / 1073741824}' "$B/fsck.txt" | head -1)
  row "$k objects: cairn fsck, s per GiB of blocks" "$(echo "scale=2; $fs / $gib" | bc)"
  start
  row "$k objects: server start until /readyz 200, s" "$(printf %.2f "$UP_S")"
done

# a dataset of many files (BENCH_SCALE_FILES, default 100,000: 80 directories of 1,000 and one of
# 20,000): push, pull, the /fs listing of the large directory (HTML and JSON), the FUSE mount's
# ls -lR (where /dev/fuse is usable)
NF=${BENCH_SCALE_FILES:-100000}
BIG=$((NF / 5))
TREE=$B/tree
python3 - "$TREE" "$NF" "$BIG" <<'PY'
import os, sys
root, n, big = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(f"{root}/large", exist_ok=True)
for i in range(n):
    d = f"{root}/large" if i < big else f"{root}/d{(i - big) // 1000:03d}"
    if i >= big and (i - big) % 1000 == 0: os.makedirs(d, exist_ok=True)
    with open(f"{d}/f{i:06d}.txt", "w") as f: f.write(f"file {i}\n" * 8)
PY
export CAIRN_URL=$URL CAIRN_ACCESS_KEY=${CRED%%:*} CAIRN_SECRET_KEY=${CRED#*:} CAIRN_CACHE_DIR=$B/cache CAIRN_CACHE_MAX=0
k=$(printf "%'d" "$NF")
t0=$(now); "$CAIRN" push -q many:v1 "$TREE" > /dev/null; t1=$(now)
row "dataset of $k files: push, s" "$(printf %.1f "$(echo "$t1 - $t0" | bc)")"
t0=$(now); "$CAIRN" pull -q many:v1 "$B/pulled" > /dev/null; t1=$(now)
row "dataset of $k files: pull, s" "$(printf %.1f "$(echo "$t1 - $t0" | bc)")"
diff -rq "$TREE" "$B/pulled" > /dev/null && row "dataset of $k files: pulled tree identical" yes || row "dataset of $k files: pulled tree identical" NO
for kind in html json; do
  acc=$([ $kind = json ] && echo application/json || echo text/html)
  row "dataset of $k files: /fs listing of a directory of $(printf "%'d" "$BIG") ($kind), ms" \
    "$(list_ms "fs/many/v1/large/" "Accept: $acc")"
done
if [ -c /dev/fuse ] && command -v fusermount3 > /dev/null && mkdir -p "$B/mnt" && "$CAIRN" mount many:v1 "$B/mnt" 2> /dev/null; then
  t0=$(now); ls -lR "$B/mnt" > /dev/null; t1=$(now)
  fusermount3 -u "$B/mnt"
  row "dataset of $k files: ls -lR of the FUSE mount, s" "$(printf %.2f "$(echo "$t1 - $t0" | bc)")"
else
  row "dataset of $k files: ls -lR of the FUSE mount" "skipped (no usable /dev/fuse)"
fi
