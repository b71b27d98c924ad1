#!/usr/bin/env bash
# Three `cairn serve` nodes over one PostgreSQL (postgres.sh) and one Ceph RGW bucket (ceph.sh,
# RGW=1), each on its own port and data directory (sharing server.key): a write through A reads
# back on B and C; concurrent writers of one key leave one complete winner; kill -9 of A during
# 20 uploads loses no acknowledged object; the periodic jobs (gc, lifecycle, trash) are queued once
# per interval between the nodes; a long poll on B wakes when a tag moves through A; while the
# database is down requests answer 503 SlowDown, and the nodes recover when it is back; the S3
# client and behaviour tests pass unchanged on a node over PostgreSQL and RGW.
. "$(dirname "$0")/lib.sh"
[ -x /usr/lib/postgresql/15/bin/initdb ] || { echo "ok - SKIP nodes: PostgreSQL 15 is not installed"; exit 0; }
for c in ceph-mon ceph-osd radosgw; do command -v $c > /dev/null || { echo "ok - SKIP nodes: $c is not installed"; exit 0; }; done
PGH="$(dirname "$0")/postgres.sh" CEPHH="$(dirname "$0")/ceph.sh"
PGD=$(mktemp -d /tmp/cairn-pg-XXXXXX)
C=$T/ceph
declare -A NPID NURL
stop_nodes() { for n in "${!NPID[@]}"; do kill -TERM "${NPID[$n]}" 2>/dev/null; wait "${NPID[$n]}" 2>/dev/null; done; }
trap 'stop_nodes; bash "$PGH" down "$PGD" > /dev/null 2>&1; bash "$CEPHH" down "$C" > /dev/null 2>&1; rm -rf "$T"' EXIT
bash "$PGH" up "$PGD" > "$T/pg.out" 2>&1 || { fail "PostgreSQL could not be started"; cat "$T/pg.out"; exit 1; }
FS=0 RGW=1 bash "$CEPHH" up "$C" > "$T/ceph.out" 2>&1 || { fail "Ceph RGW could not be started"; tail -20 "$T/ceph.out"; exit 1; }
. "$PGD/pg.env"; . "$C/s3.env"
AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY AWS_DEFAULT_REGION=us-east-1 \
  /usr/bin/aws --endpoint-url "$S3_URL" s3 mb s3://cairnblocks > /dev/null

# start_node NAME [flags]: a node on a free port; its data dir gets A's server.key when A exists
start_node() {
  local n=$1; shift
  mkdir -p "$T/$n" && chmod 700 "$T/$n"
  [ "$n" != A ] && cp "$T/A/server.key" "$T/$n/server.key"
  : > "$T/$n.log"
  "$CAIRN" serve --listen 127.0.0.1:0 --data-dir "$T/$n" --meta "$PG_URL" --volumes s3://cairnblocks/blocks \
    --s3-endpoint "$S3_URL" --s3-access-key "$S3_ACCESS_KEY" --s3-secret-key "$S3_SECRET_KEY" \
    --gc-interval 2s --lifecycle-interval 1s --trash-interval 1s --task-lease 3s "$@" > /dev/null 2> "$T/$n.log" &
  NPID[$n]=$!
  for _ in $(seq 200); do grep -q 'listening on' "$T/$n.log" && break; kill -0 ${NPID[$n]} 2>/dev/null || break; sleep 0.05; done
  local port; port=$(grep -o 'listening on http://[^ ]*' "$T/$n.log" | sed 's/.*://')
  [ -n "$port" ] || { fail "node $n did not start"; tail -5 "$T/$n.log"; exit 1; }
  NURL[$n]=http://127.0.0.1:$port
}
start_node A
export AWS_ACCESS_KEY_ID=$(awk '/access_key/{print $3}' "$T/A/credentials") AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
export AWS_SECRET_ACCESS_KEY=$(awk '/secret_key/{print $3}' "$T/A/credentials")
AK=$AWS_ACCESS_KEY_ID SK=$AWS_SECRET_ACCESS_KEY
start_node B; start_node C
on() { local n=$1; shift; /usr/bin/aws --endpoint-url "${NURL[$n]}" "$@"; }

# one store, one catalog
on A s3 mb s3://shared > /dev/null
head -c 3000000 /dev/urandom > "$T/one"
check "PUT through node A" on A s3 cp "$T/one" s3://shared/one
on B s3 cp s3://shared/one "$T/one.B" > /dev/null; on C s3 cp s3://shared/one "$T/one.C" > /dev/null
expect "  ... reads back whole on node B" "$(sha "$T/one.B")" "$(sha "$T/one")"
expect "  ... and on node C" "$(sha "$T/one.C")" "$(sha "$T/one")"
check "  ... and C lists it" sh -c "/usr/bin/aws --endpoint-url ${NURL[C]} s3 ls s3://shared/ | grep -q ' one$'"

# concurrent writers of one key: one complete winner, the same on every node
for n in A B C; do head -c 2000000 /dev/urandom > "$T/w$n"; done
pids=""
for n in A B C; do on $n s3 cp "$T/w$n" s3://shared/contended > /dev/null & pids="$pids $!"; done
wait $pids
for n in A B C; do on $n s3 cp s3://shared/contended "$T/got$n" > /dev/null; done
winner=$(sha "$T/gotA")
check "concurrent PUTs of one key through three nodes: one complete winner" \
  sh -c "test '$winner' = '$(sha "$T/wA")' || test '$winner' = '$(sha "$T/wB")' || test '$winner' = '$(sha "$T/wC")'"
check "  ... that every node serves" sh -c "test '$(sha "$T/gotB")' = '$winner' && test '$(sha "$T/gotC")' = '$winner'"

# kill -9 of node A during 20 uploads (four streams of five): every acknowledged object is whole on B
: > "$T/acked"
for i in $(seq 20); do head -c $((2000000 + i * 100000)) /dev/urandom > "$T/up$i"; done
pids=""
for s in 0 1 2 3; do
  (for j in 1 2 3 4 5; do i=$((s * 5 + j)); on A s3 cp "$T/up$i" "s3://shared/up$i" > /dev/null 2>&1 && echo "$i" >> "$T/acked"; done) &
  pids="$pids $!"
done
acked_some() { [ "$(wc -l < "$T/acked")" -ge 3 ]; }
wait_for 120 acked_some
kill -KILL "${NPID[A]}"; wait "${NPID[A]}" 2>/dev/null; unset 'NPID[A]'
wait $pids 2>/dev/null
n_acked=$(wc -l < "$T/acked"); bad=0
for i in $(cat "$T/acked"); do
  on B s3 cp "s3://shared/up$i" "$T/back$i" > /dev/null 2>&1 && [ "$(sha "$T/back$i")" = "$(sha "$T/up$i")" ] || bad=$((bad + 1))
done
check "kill -9 of node A during 20 uploads: the $n_acked acknowledged before it read back whole on B" \
  sh -c "test $n_acked -ge 3 && test $n_acked -lt 20 && test $bad = 0"
start_node A

# periodic jobs: queued once per interval between the three nodes, not once per node
q() { psql "$PG_URL" -tAc "$1"; }
t0=$(q "SELECT (extract(epoch from now()) * 1000)::bigint")
wait_for 30 sh -c "test \$(psql '$PG_URL' -tAc \"SELECT COUNT(*) FROM tasks WHERE kind = 'gc' AND created_ms > $t0\") -ge 3"
t1=$(q "SELECT (extract(epoch from now()) * 1000)::bigint")
gcs=$(q "SELECT COUNT(*) FROM tasks WHERE kind = 'gc' AND created_ms > $t0")
lcs=$(q "SELECT COUNT(*) FROM tasks WHERE kind = 'lifecycle' AND created_ms > $t0")
secs=$(( (t1 - t0) / 1000 + 1 ))
check "gc every 2 s on three nodes: $gcs runs in ${secs} s (at most one per interval)" \
  sh -c "test $gcs -ge 1 && test $gcs -le $(( secs / 2 + 1 ))"
check "lifecycle every 1 s on three nodes: $lcs runs in ${secs} s (at most one per interval)" \
  sh -c "test $lcs -ge 1 && test $lcs -le $(( secs + 1 ))"
q "SELECT state, attempts, started_ms - created_ms, finished_ms - started_ms, lease_owner FROM tasks WHERE kind = 'gc' ORDER BY created_ms" | sed "s/^/# gc task: /"
nodes_ran=$(q "SELECT COUNT(DISTINCT holder) FROM leases")
check "  ... each job's lease held by one node at a time ($nodes_ran holders now)" test "$nodes_ran" -ge 1

# a long poll on B wakes when a tag moves through A
mkdir -p "$T/ds"; echo one > "$T/ds/f"
CAIRN_URL=${NURL[A]} CAIRN_ACCESS_KEY=$AK CAIRN_SECRET_KEY=$SK "$CAIRN" push -q live:latest "$T/ds" > /dev/null
v1=$(URL=${NURL[B]}; scurl "$URL/v1/datasets/live/tags/latest" | sed -n 's/.*"version":"\([0-9a-f]*\)".*/\1/p')
start=$(date +%s%N)
scurl -o "$T/poll.json" -w '%{http_code}' "${NURL[B]}/v1/datasets/live/tags/latest?since=$v1&wait=25" > "$T/poll.code" &
ppid=$!
echo two > "$T/ds/f"
CAIRN_URL=${NURL[A]} CAIRN_ACCESS_KEY=$AK CAIRN_SECRET_KEY=$SK "$CAIRN" push -q live:latest "$T/ds" > /dev/null
wait $ppid
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "a long poll on B answers when the tag moves through A (200 after $ms ms, wait was 25 s)" \
  sh -c "test \"\$(cat $T/poll.code)\" = 200 && ! grep -q '$v1' $T/poll.json && test $ms -lt 20000"

# the database goes away: 503 SlowDown, nothing half-written; back: the nodes recover
bash "$PGH" stop "$PGD"
echo during > "$T/during"
code=$(URL=${NURL[B]}; sstatus -T "$T/during" "$URL/shared/during")
body=$(URL=${NURL[B]}; scurl "$URL/shared/one" -o /dev/null -w '%{http_code}')
check "PostgreSQL down: a PUT on B answers 503 (got $code)" test "$code" = 503
check "  ... and a GET too, rather than a wrong answer (got $body)" test "$body" = 503
bash "$PGH" start "$PGD"
recovered() { [ "$(URL=${NURL[B]}; sstatus -T "$T/during" "$URL/shared/after")" = 200 ]; }
check "PostgreSQL back: B writes again (its connection re-established)" wait_for 30 recovered
check "  ... and the PUT made during the outage left no object" sh -c "! /usr/bin/aws --endpoint-url ${NURL[C]} s3 ls s3://shared/during"
on C s3 cp s3://shared/one "$T/one.C2" > /dev/null 2>&1
expect "  ... and C still serves what was there" "$(sha "$T/one.C2" 2>/dev/null)" "$(sha "$T/one")"

# the S3 client and behaviour tests, unchanged, on a node with metadata in PostgreSQL and blocks on RGW
stop_nodes; NPID=()
for t in test_s3_clients.sh test_s3_behaviours.sh; do
  psql "$PG_URL" -q -c "SET client_min_messages = warning" -c "DROP SCHEMA public CASCADE" -c "CREATE SCHEMA public"
  CAIRN_META=$PG_URL CAIRN_VOLUMES=s3://cairnblocks/${t%.sh} CAIRN_S3_ENDPOINT=$S3_URL CAIRN_S3_ACCESS_KEY=$S3_ACCESS_KEY \
    CAIRN_S3_SECRET_KEY=$S3_SECRET_KEY bash "$(dirname "$0")/$t" > "$T/$t.out" 2>&1; rc=$?
  good=$(grep -c '^ok - ' "$T/$t.out"); bad=$(grep -c '^not ok - ' "$T/$t.out")
  check "$t on PostgreSQL metadata and RGW blocks: $good checks pass, $bad fail" sh -c "test $rc = 0 && test $bad = 0 && test $good -gt 5"
  grep '^not ok - ' "$T/$t.out" | sed 's/^/#   /'
done
n=$(AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY /usr/bin/aws --endpoint-url "$S3_URL" s3 ls --recursive s3://cairnblocks/test_s3_clients/ | wc -l)
check "  ... and their blocks were on RGW ($n objects)" test "$n" -gt 0
