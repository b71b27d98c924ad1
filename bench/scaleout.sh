#!/usr/bin/env bash
# make bench, scale-out part: cairn over one Ceph RGW bucket (tests/integration/ceph.sh, RGW=1)
# and PostgreSQL 15 (tests/integration/postgres.sh). Figures: `cairn pull` of a 256 MiB dataset
# through the gateway versus `--direct` (307 to presigned URLs of the store): wall time and the
# gateway's CPU seconds (utime + stime of its process) for each, and their ratio; PUT of 4 KiB
# objects with 16 connections (bench/loadgen) with metadata in SQLite versus PostgreSQL, and through
# 1, 2 and 3 nodes over the same PostgreSQL (each node pinned to a core in turn: this machine has
# two, shared with the load generator, PostgreSQL and RGW), with 64 MiB PUT and GET through them. Skipped (one line) when Ceph or
# PostgreSQL is not installed. Appends to bench/out/history.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
for c in ceph-mon ceph-osd radosgw; do command -v $c > /dev/null || { echo "# scale-out: skipped ($c not installed)"; exit 0; }; done
[ -x /usr/lib/postgresql/15/bin/initdb ] || { echo "# scale-out: skipped (PostgreSQL 15 not installed)"; exit 0; }
B=$ROOT/build/bench-scale; rm -rf "$B"; mkdir -p "$B"
PGD=$(mktemp -d /tmp/cairn-bench-pg-XXXXXX)
CAIRN=$ROOT/bin/cairn
SUITE=scale-out; . bench/lib.sh
PID=
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true
  bash tests/integration/ceph.sh down "$B/ceph" > /dev/null 2>&1 || true
  bash tests/integration/postgres.sh down "$PGD" > /dev/null 2>&1 || true
}
trap cleanup EXIT
FS=0 RGW=1 MEMSTORE_BYTES=$((8 << 30)) bash tests/integration/ceph.sh up "$B/ceph" > "$B/ceph.out" 2>&1
bash tests/integration/postgres.sh up "$PGD" > "$B/pg.out" 2>&1
. "$B/ceph/s3.env"; . "$PGD/pg.env"
AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY AWS_DEFAULT_REGION=us-east-1 \
  /usr/bin/aws --endpoint-url "$S3_URL" s3 mb s3://bench > /dev/null

# start DATA_DIR [flags]: one node; sets PID, CAIRN_URL and the admin keys
start() {
  local d=$1; shift
  [ -n "$PID" ] && { kill "$PID"; wait "$PID" 2>/dev/null || true; }
  "$CAIRN" serve --listen 127.0.0.1:0 --data-dir "$d" "$@" > /dev/null 2> "$d.log" &
  PID=$!
  for _ in $(seq 200); do grep -q 'listening on' "$d.log" 2>/dev/null && break; sleep 0.05; done
  export CAIRN_URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$d.log" | head -1)
  export CAIRN_ACCESS_KEY=$(awk '/access_key/{print $3}' "$d/credentials")
  export CAIRN_SECRET_KEY=$(awk '/secret_key/{print $3}' "$d/credentials")
}
cpu() { awk '{print $14 + $15}' "/proc/$PID/stat"; }   # clock ticks
TICK=$(getconf CLK_TCK)
S3FLAGS=(--volumes s3://bench/blocks --s3-endpoint "$S3_URL" --s3-access-key "$S3_ACCESS_KEY" --s3-secret-key "$S3_SECRET_KEY")

echo "# scale-out: one node over Ceph RGW (memstore) and PostgreSQL 15, all on this machine" | tee -a "$RES"
start "$B/n1" --meta "$PG_URL" --direct-reads 1 "${S3FLAGS[@]}"
mkdir -p "$B/tree"; head -c $((256 << 20)) /dev/urandom > "$B/tree/big.bin"
"$CAIRN" push -q ds:v1 "$B/tree" > /dev/null
export CAIRN_CACHE_DIR=$B/cache CAIRN_CACHE_MAX=0
for mode in gateway direct; do
  rm -rf "$B/out-$mode"
  c0=$(cpu); t0=$(now)
  if [ $mode = direct ]; then "$CAIRN" pull -q --direct ds:v1 "$B/out-$mode"; else "$CAIRN" pull -q ds:v1 "$B/out-$mode"; fi
  t1=$(now); c1=$(cpu)
  cmp -s "$B/tree/big.bin" "$B/out-$mode/big.bin" || { echo "pull ($mode) differs"; exit 1; }
  wall=$(echo "scale=2; $t1 - $t0" | bc); secs=$(echo "scale=2; ($c1 - $c0) / $TICK" | bc)
  eval "cpu_$mode=$secs"
  row "pull 256 MiB, $mode: wall s / gateway CPU s" "$wall / $secs"
done
row "gateway CPU of a direct pull / through the gateway" "$(echo "scale=3; $cpu_direct / ($cpu_gateway + 0.001)" | bc)"

# trash on RGW: cairn moves a block (copy to trash/, delete); keepstore's alternative writes a
# marker object. 200 blocks of 1 MiB each way, boto3 on one connection.
/usr/bin/python3 - "$S3_URL" "$S3_ACCESS_KEY" "$S3_SECRET_KEY" > "$B/trash.txt" <<'PY'
import os, sys, time, boto3
s3 = boto3.client("s3", endpoint_url=sys.argv[1], aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3], region_name="us-east-1")
body = os.urandom(1 << 20)
for i in range(400): s3.put_object(Bucket="bench", Key="t/blocks/%d" % i, Body=body)
t0 = time.time()
for i in range(200):
    s3.copy_object(Bucket="bench", Key="t/trash/%d" % i, CopySource={"Bucket": "bench", "Key": "t/blocks/%d" % i})
    s3.delete_object(Bucket="bench", Key="t/blocks/%d" % i)
t1 = time.time()
for i in range(200, 400): s3.put_object(Bucket="bench", Key="t/trash-marker/%d" % i, Body=b"")
t2 = time.time()
print("move %.2f marker %.2f" % ((t1 - t0) / 200 * 1000, (t2 - t1) / 200 * 1000))
PY
read -r _ move_ms _ marker_ms < "$B/trash.txt"
row "trash a 1 MiB block on RGW: copy+delete vs marker object, ms each" "$move_ms vs $marker_ms"

# PutObject 4 KiB, 16 connections, 4,000 objects: SQLite versus PostgreSQL metadata (inline in both)
LG=$B/loadgen
gcc -O2 -Wall -Wextra -Werror -o "$LG" bench/loadgen.c -lcurl -lcrypto
for meta in sqlite postgres; do
  if [ $meta = postgres ]; then   # an empty database: this node creates its admin
    psql "$PG_URL" -q -c "SET client_min_messages = warning" -c "DROP SCHEMA public CASCADE" -c "CREATE SCHEMA public"
    start "$B/m-pg" --meta "$PG_URL"
  else start "$B/m-lite"; fi
  curl -s -o /dev/null --aws-sigv4 "aws:amz:us-east-1:s3" --user "$CAIRN_ACCESS_KEY:$CAIRN_SECRET_KEY" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -X PUT "$CAIRN_URL/small"
  "$LG" put "$CAIRN_URL/small/{id}" 4096 4000 16 "$CAIRN_ACCESS_KEY:$CAIRN_SECRET_KEY" > /dev/null 2> "$B/p-$meta.txt"
  eval "ops_$meta=$(field ops_per_s < "$B/p-$meta.txt")"
done
row "PutObject 4 KiB, 16 conns: SQLite vs PostgreSQL metadata ops/s" "$ops_sqlite vs $ops_postgres"

# PutObject 4 KiB through 1, 2 and 3 nodes over the same PostgreSQL (16 connections in all, split
# between the nodes; each node pinned with taskset to one of this machine's cores, in turn)
kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null || true; PID=
psql "$PG_URL" -q -c "SET client_min_messages = warning" -c "DROP SCHEMA public CASCADE" -c "CREATE SCHEMA public"
NCPU=$(nproc)
NODEPIDS=(); declare -A NODEURL
for n in 1 2 3; do
  for i in $(seq 0 $((n - 1))); do
    d=$B/node$i
    if [ -z "${NODEURL[$i]:-}" ]; then
      mkdir -p "$d"; chmod 700 "$d"; [ $i -gt 0 ] && cp "$B/node0/server.key" "$d/server.key"
      taskset -c $((i % NCPU)) "$CAIRN" serve --listen 127.0.0.1:0 --data-dir "$d" --meta "$PG_URL" "${S3FLAGS[@]}" \
        > /dev/null 2> "$d.log" &
      NODEPIDS+=($!)
      for _ in $(seq 200); do grep -q 'listening on' "$d.log" 2>/dev/null && break; sleep 0.05; done
      NODEURL[$i]=$(grep -o 'http://127.0.0.1:[0-9]*' "$d.log" | head -1)
      [ $i = 0 ] && { NAK=$(awk '/access_key/{print $3}' "$d/credentials"); NSK=$(awk '/secret_key/{print $3}' "$d/credentials");
        curl -s -o /dev/null --aws-sigv4 "aws:amz:us-east-1:s3" --user "$NAK:$NSK" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -X PUT "${NODEURL[0]}/nodes"; }
    fi
  done
  pids=()
  for i in $(seq 0 $((n - 1))); do
    "$LG" put "${NODEURL[$i]}/nodes/{id}" 4096 $((3000 / n)) $((16 / n)) "$NAK:$NSK" > /dev/null 2> "$B/nodes-$n-$i.txt" &
    pids+=($!)
  done
  wait "${pids[@]}" || true
  total=0
  for i in $(seq 0 $((n - 1))); do total=$(echo "$total + $(field ops_per_s < "$B/nodes-$n-$i.txt")" | bc); done
  row "PutObject 4 KiB, 16 conns over $n node(s), PostgreSQL metadata: ops/s" "$total"
  cat "$B"/nodes-$n-*.txt | grep -q 'errors=[1-9]' && echo "  (some of those PUTs failed: $(cat "$B"/nodes-$n-*.txt | grep -o 'errors=[0-9]*' | paste -sd' '))"
  # 64 MiB objects, one connection per node, blocks on RGW: PUT then GET of what was put
  pids=()
  for i in $(seq 0 $((n - 1))); do
    "$LG" put "${NODEURL[$i]}/nodes/{id}" 67108864 4 1 "$NAK:$NSK" > "$B/ids64-$n-$i" 2> "$B/p64-$n-$i.txt" &
    pids+=($!)
  done
  wait "${pids[@]}" || true
  pids=()
  for i in $(seq 0 $((n - 1))); do
    "$LG" get "${NODEURL[$i]}/nodes/{id}" "$B/ids64-$n-$i" 8 1 "$NAK:$NSK" > /dev/null 2> "$B/g64-$n-$i.txt" &
    pids+=($!)
  done
  wait "${pids[@]}" || true
  put=0 get=0
  for i in $(seq 0 $((n - 1))); do
    p=$(field MBps < "$B/p64-$n-$i.txt"); g=$(field MBps < "$B/g64-$n-$i.txt")
    put=$(echo "$put + ${p:-0}" | bc); get=$(echo "$get + ${g:-0}" | bc)
  done
  errs=$(cat "$B"/p64-$n-*.txt "$B"/g64-$n-*.txt | sed -n 's/.*errors=\([0-9]*\).*/\1/p' | paste -sd+ | bc)
  row "PutObject / GetObject 64 MiB, 1 conn per node over $n node(s), blocks on RGW: MB/s (errors)" "$put / $get ($errs)"
done
kill "${NODEPIDS[@]}" 2>/dev/null; wait "${NODEPIDS[@]}" 2>/dev/null || true
