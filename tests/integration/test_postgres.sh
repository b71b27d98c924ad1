#!/usr/bin/env bash
# Metadata on PostgreSQL (a throw-away server from postgres.sh): the unit suites of the metadata,
# task and service layers pass on it unchanged, and so do the S3 client, behaviour, versioning,
# access, authorization, encryption, dataset, lifecycle and project tests, each run as is against
# a server started with CAIRN_META=postgres://... over an emptied database (tests that start a
# second server on another data directory are left out: nodes of one database share server.key);
# a wrong password stops serve with one line; `cairn migrate` moves an embedded installation's
# metadata into PostgreSQL, which a server then serves.
. "$(dirname "$0")/lib.sh"
[ -x /usr/lib/postgresql/15/bin/initdb ] || { echo "ok - SKIP postgres: PostgreSQL 15 is not installed"; exit 0; }
HARNESS="$(dirname "$0")/postgres.sh"
PGD=$(mktemp -d /tmp/cairn-pg-XXXXXX)   # not under $T: the postgres user must reach it
trap 'stop_server; bash "$HARNESS" down "$PGD" > /dev/null 2>&1; rm -rf "$T"' EXIT
bash "$HARNESS" up "$PGD" > "$T/pg.out" 2>&1 || { fail "PostgreSQL could not be started"; cat "$T/pg.out" "$PGD/log" 2>/dev/null | tail -20; exit 1; }
. "$PGD/pg.env"
reset_db() { psql "$PG_URL" -q -c "SET client_min_messages = warning" -c "DROP SCHEMA public CASCADE" -c "CREATE SCHEMA public"; }

out=$("$CAIRN" serve --listen 127.0.0.1:0 --data-dir "$T/bad" --meta "postgres://cairn:wrong@127.0.0.1:$PG_PORT/cairn" 2>&1); rc=$?
check "a wrong password: serve exits non-zero, saying so once, the password not shown" \
  sh -c "test $rc != 0 && echo '$out' | grep -q 'password authentication failed' && ! echo '$out' | grep -q wrong"

ASAN_OPTIONS=detect_leaks=1 CAIRN_TEST_PG=$PG_URL "$ROOT/build/unit-tests" meta tasks spaces service versions sse \
  bucket_settings lifecycle > "$T/unit.out" 2>&1; rc=$?
n=$(grep -c '^ok - ' "$T/unit.out")
check "the metadata, task and service unit suites pass on PostgreSQL ($n tests)" sh -c "test $rc = 0 && test $n -gt 20"
[ $rc = 0 ] || grep -v '^ok' "$T/unit.out" | head -20

for t in test_s3_clients.sh test_s3_behaviours.sh test_versioning.sh test_s3_access.sh test_authz.sh test_sse.sh test_datasets_http.sh \
         test_lifecycle.sh test_projects.sh; do
  reset_db
  CAIRN_META=$PG_URL bash "$(dirname "$0")/$t" > "$T/$t.out" 2>&1; rc=$?
  good=$(grep -c '^ok - ' "$T/$t.out"); bad=$(grep -c '^not ok - ' "$T/$t.out")
  check "$t on PostgreSQL metadata: $good checks pass, $bad fail" sh -c "test $rc = 0 && test $bad = 0 && test $good -gt 5"
  grep '^not ok - ' "$T/$t.out" | sed 's/^/#   /'
  n=$(psql "$PG_URL" -tAc "SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM buckets)" 2>/dev/null)
  check "  ... and its users and buckets were in PostgreSQL ($n rows)" test "${n:-0}" -gt 0
done

# cairn migrate: an embedded installation's metadata moves to PostgreSQL; the server then serves it
reset_db
start_server --data-dir="$T/embedded" || exit 1
export AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
aws() { /usr/bin/aws --endpoint-url "$URL" "$@"; }
aws s3 mb s3://moving > /dev/null
aws s3api put-bucket-versioning --bucket moving --versioning-configuration Status=Enabled
head -c 3000000 /dev/urandom > "$T/big"; echo small > "$T/small"
aws s3 cp "$T/big" s3://moving/big > /dev/null; aws s3 cp "$T/small" s3://moving/small > /dev/null
echo newer > "$T/small2"; aws s3 cp "$T/small2" s3://moving/small > /dev/null
mkdir -p "$T/tree"; echo hello > "$T/tree/f"; "$CAIRN" push -q ds:v1 "$T/tree" > /dev/null
stop_server
out=$("$CAIRN" migrate --to "$PG_URL" --data-dir "$T/embedded" 2> "$T/migrate.err"); rc=$?
check "cairn migrate copies the embedded metadata to PostgreSQL ($(echo "$out" | head -1))" sh -c "test $rc = 0"
start_server --data-dir="$T/embedded" --meta "$PG_URL" || exit 1
aws s3 cp s3://moving/big "$T/big.back" > /dev/null 2>&1
expect "  ... the server on PostgreSQL serves a chunked object" "$(sha "$T/big.back" 2>/dev/null)" "$(sha "$T/big")"
expect "  ... and an inline one, current version" "$(aws s3 cp s3://moving/small - 2>/dev/null)" newer
n=$(aws s3api list-object-versions --bucket moving --prefix small --query 'length(Versions)' 2>/dev/null)
expect "  ... with its older version" "$n" 2
"$CAIRN" pull -q ds:v1 "$T/tree.back" > /dev/null 2>&1
expect "  ... and the dataset" "$(cat "$T/tree.back/f" 2>/dev/null)" hello
stop_server
out=$("$CAIRN" migrate --to "$PG_URL" --data-dir "$T/embedded" 2>&1); rc=$?
check "  ... a second migrate into the now full database is refused, in one line" \
  sh -c "test $rc != 0 && test $(echo "$out" | wc -l) = 1 && echo '$out' | grep -q 'not empty'"
out=$("$CAIRN" migrate --to "sqlite:///tmp/x" --data-dir "$T/embedded" 2>&1); rc=$?
check "  ... a --to that is not a postgres:// URL is refused, in one line" sh -c "test $rc != 0 && test $(echo "$out" | wc -l) = 1"
out=$("$CAIRN" migrate --to "$PG_URL" --data-dir "$T/nowhere" 2>&1); rc=$?
check "  ... and so is a data directory without meta.db" sh -c "test $rc != 0 && echo '$out' | grep -q 'no embedded metadata'"
