#!/usr/bin/env bash
# make bench, datasets part: push and pull of a 1 GiB tree (random files, some duplicated, many
# small ones): MB/s and dedup, against restic backup/restore of the same tree into a repository on
# cairn's S3 API and casync make/extract with a local store (ratios > 1: cairn faster); then one
# byte inserted near the start of its largest file and the tree pushed again: bytes uploaded with
# FastCDC versus `--chunking fixed` (8 MiB blocks) versus `tar | curl` of the whole tree (which
# sends everything again).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
B=$ROOT/build/bench-ds
rm -rf "$B"; mkdir -p "$B"
CAIRN=$ROOT/bin/cairn
SUITE=datasets; . bench/lib.sh
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
push_s=$(echo "$t1 - $t0" | bc)
row "push 1 GiB tree: MB/s (tree bytes / wall time)" "$(echo "scale=1; $SIZE / ($t1 - $t0) / 1000000" | bc)"
row "push 1 GiB tree: dedup (bytes not uploaded)" "$(grep -o 'dedup [0-9.]*%' "$B/push1.out") ($up of $SIZE bytes sent)"
t0=$(now)
"$CAIRN" pull -q ds:v1 "$B/pulled"
t1=$(now)
pull_s=$(echo "$t1 - $t0" | bc)
row "pull 1 GiB tree (no local cache): MB/s" "$(echo "scale=1; $SIZE / ($t1 - $t0) / 1000000" | bc)"
diff -r "$T" "$B/pulled" > /dev/null && row "pull: tree identical" yes || row "pull: tree identical" NO

# the same tree with restic (a repository on cairn's S3 API) and casync (a local chunk store)
export AWS_ACCESS_KEY_ID=$CAIRN_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$CAIRN_SECRET_KEY RESTIC_PASSWORD=bench
export RESTIC_CACHE_DIR=$B/restic-cache
curl -s -o /dev/null --aws-sigv4 aws:amz:us-east-1:s3 --user "$CAIRN_ACCESS_KEY:$CAIRN_SECRET_KEY" \
  -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -X PUT "$CAIRN_URL/restic"
restic -q -r "s3:$CAIRN_URL/restic" init > /dev/null
sync; t0=$(now)
restic -q -r "s3:$CAIRN_URL/restic" backup "$T" > /dev/null
t1=$(now); rb=$(echo "$t1 - $t0" | bc)
t0=$(now)
restic -q -r "s3:$CAIRN_URL/restic" restore latest --target "$B/restic-out" > /dev/null
t1=$(now); rr=$(echo "$t1 - $t0" | bc)
mbs() { echo "scale=1; $SIZE / $1 / 1000000" | bc; }
row "push vs restic backup (on cairn's S3 API): MB/s (ratio)" "$(mbs "$push_s") vs $(mbs "$rb") ($(ratio "$rb" "$push_s"))"
row "pull vs restic restore: MB/s (ratio)" "$(mbs "$pull_s") vs $(mbs "$rr") ($(ratio "$rr" "$pull_s"))"
if command -v casync > /dev/null; then
  sync; t0=$(now)
  casync make --store="$B/casync.castr" "$B/tree.caidx" "$T" > /dev/null
  t1=$(now); cm=$(echo "$t1 - $t0" | bc)
  t0=$(now)
  casync extract --store="$B/casync.castr" "$B/tree.caidx" "$B/casync-out" > /dev/null
  t1=$(now); ce=$(echo "$t1 - $t0" | bc)
  row "push vs casync make (a local store): MB/s (ratio)" "$(mbs "$push_s") vs $(mbs "$cm") ($(ratio "$cm" "$push_s"))"
  row "pull vs casync extract: MB/s (ratio)" "$(mbs "$pull_s") vs $(mbs "$ce") ($(ratio "$ce" "$pull_s"))"
fi

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
