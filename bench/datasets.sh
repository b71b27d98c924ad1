#!/usr/bin/env bash
# make bench, datasets part: push and pull of a 1 GiB tree (random files, some duplicated, many
# small ones): MB/s and dedup; then one byte inserted near the start of its largest file and the
# tree pushed again: bytes uploaded with FastCDC versus `--chunking fixed` (8 MiB blocks) versus
# `tar | curl` of the whole tree (which sends everything again).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
B=$ROOT/build/bench-ds
rm -rf "$B"; mkdir -p "$B"
CAIRN=$ROOT/bin/cairn
SUITE=datasets; . bench/lib.sh
now() { date +%s.%N; }
"$CAIRN" serve --listen 127.0.0.1:0 --data-dir "$B/data" > /dev/null 2> "$B/cairn.log" &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q 'listening on' "$B/cairn.log" && break; sleep 0.05; done
export CAIRN_URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$B/cairn.log" | head -1)
export CAIRN_ACCESS_KEY=$(awk '/access_key/{print $3}' "$B/data/credentials")
export CAIRN_SECRET_KEY=$(awk '/secret_key/{print $3}' "$B/data/credentials")
export CAIRN_CACHE_DIR=$B/cache CAIRN_CACHE_MAX=0   # pulls measure the network path

# the tree: 7 x 128 MiB random, one of them twice more (duplicates), 1,000 small files
T=$B/tree; mkdir -p "$T/small"
for i in 1 2 3 4 5 6 7; do head -c $((128 << 20)) /dev/urandom > "$T/f$i.bin"; done
cp "$T/f1.bin" "$T/dup1.bin"
for i in $(seq 1000); do head -c 1000 /dev/urandom > "$T/small/s$i"; done
SIZE=$(du -sb --apparent-size "$T" | cut -f1)
echo "# datasets: tree of $((SIZE >> 20)) MiB" | tee -a "$RES"

sync; t0=$(now)
"$CAIRN" push -q ds:v1 "$T" > "$B/push1.out"
t1=$(now)
up=$(grep -o '[0-9]* bytes uploaded' "$B/push1.out" | cut -d' ' -f1)
row "push 1 GiB tree: MB/s (tree bytes / wall time)" "$(echo "scale=1; $SIZE / ($t1 - $t0) / 1000000" | bc)"
row "push 1 GiB tree: dedup (bytes not uploaded)" "$(grep -o 'dedup [0-9.]*%' "$B/push1.out") ($up of $SIZE bytes sent)"
t0=$(now)
"$CAIRN" pull -q ds:v1 "$B/pulled"
t1=$(now)
row "pull 1 GiB tree (no local cache): MB/s" "$(echo "scale=1; $SIZE / ($t1 - $t0) / 1000000" | bc)"
diff -r "$T" "$B/pulled" > /dev/null && row "pull: tree identical" yes || row "pull: tree identical" NO

# fixed-size blocks: the same tree as another dataset
"$CAIRN" push -q --chunking fixed fixed:v1 "$T" > /dev/null

# one byte inserted near the start of the largest file
T2=$B/tree2; cp -al "$T" "$T2"; rm "$T2/f2.bin"
{ head -c 1000 "$T/f2.bin"; printf 'X'; tail -c +1001 "$T/f2.bin"; } > "$T2/f2.bin"
touch -r "$T/f2.bin" "$T2/f2.bin"
"$CAIRN" push -q ds:v2 "$T2" > "$B/push2.out"
"$CAIRN" push -q --chunking fixed fixed:v2 "$T2" > "$B/push3.out"
cdc=$(grep -o '[0-9]* bytes uploaded' "$B/push2.out" | cut -d' ' -f1)
fix=$(grep -o '[0-9]* bytes uploaded' "$B/push3.out" | cut -d' ' -f1)
t0=$(now)
tarb=$(tar -C "$T2" -cf - . | tee >(curl -s -o /dev/null --aws-sigv4 aws:amz:us-east-1:s3 --user "$CAIRN_ACCESS_KEY:$CAIRN_SECRET_KEY" \
  -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -X PUT "$CAIRN_URL/tarball" && \
  curl -s -o /dev/null --aws-sigv4 aws:amz:us-east-1:s3 --user "$CAIRN_ACCESS_KEY:$CAIRN_SECRET_KEY" \
  -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -T - "$CAIRN_URL/tarball/tree.tar") | wc -c)
row "1-byte insert, re-push with FastCDC: bytes uploaded" "$cdc ($(echo "scale=2; $cdc / 1048576" | bc) MiB; target <= 2 MiB)"
row "1-byte insert, re-push with 8 MiB fixed blocks" "$fix ($(echo "scale=2; $fix / 1048576" | bc) MiB)"
row "1-byte insert, tar | curl of the whole tree" "$tarb ($(echo "scale=2; $tarb / 1048576" | bc) MiB)"
row "cairn peak RSS MiB over the dataset runs" "$(awk '/VmHWM/{print int($2/1024)}' /proc/$PID/status)"
