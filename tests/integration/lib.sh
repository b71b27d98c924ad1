# lib.sh - shared helpers for integration tests: start/stop a real `cairn serve` on a free
# loopback port with its own data directory, signed curl, and the ok / not ok reporting.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CAIRN=$ROOT/bin/cairn
PY=/usr/bin/python3            # Debian python: python3-botocore is the independent signer
SIGNER=$ROOT/tests/integration/botocore_client.py
T=$(mktemp -d /tmp/cairn-it-XXXXXX)
SERVER_PID=
# the disk reserve and ballast are small in tests (test_disk_full.sh exercises them on a tmpfs)
export CAIRN_RESERVE_SPACE=${CAIRN_RESERVE_SPACE:-16MiB} CAIRN_META_RESERVE=${CAIRN_META_RESERVE:-2MiB}
trap 'stop_server; rm -rf "$T"' EXIT

ok()   { echo "ok - $*"; }
fail() { echo "not ok - $*"; }
# check NAME COMMAND...: ok when the command succeeds
check() { local n=$1; shift; if "$@" >/dev/null 2>&1; then ok "$n"; else fail "$n"; fi; }
# wait_for SECONDS COMMAND...: retries the command until it succeeds or the deadline passes
# (tests wait on conditions, never on the clock); its status is the last try's
wait_for() {
  local end=$(( $(date +%s%N) / 1000000 + $1 * 1000 )); shift
  until "$@" >/dev/null 2>&1; do
    [ $(( $(date +%s%N) / 1000000 )) -ge $end ] && return 1
    sleep 0.1
  done
}
# The filer-gateway's client flow (projects and homes): fg_call USER:SECRET CURL-ARGS... sends
# Basic auth (and X-API-Key when FG_KEY is set); fg_task_id reads the taskID of an answer on stdin;
# fg_wait_task KIND ID polls the task once a second, as the gateway's clients do, until it ends
# (60 s at most): success only when it succeeded.
fg_call() { local who=$1; shift; curl -s -u "$who" ${FG_KEY:+-H "X-API-Key: $FG_KEY"} -H 'Content-Type: application/json' "$@"; }
fg_task_id() { sed -n 's/.*"taskID":"\([0-9a-f]*\)".*/\1/p'; }
fg_wait_task() {
  local i st
  for ((i = 0; i < 60; i++)); do
    st=$(fg_call "$AK:$SK" "$URL/v1/tasks/$1/$2" | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p')
    case "$st" in succeeded) return 0 ;; failed|canceled) return 1 ;; esac
    sleep 1
  done
  return 1
}
# status_is CODE CURL-ARGS...: the unsigned request answers CODE
status_is() { local want=$1; shift; [ "$(curl -s -o /dev/null -w '%{http_code}' "$@")" = "$want" ]; }
# expect NAME ACTUAL EXPECTED
expect() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1 (got '$2', want '$3')"; fi; }

# start_server [flags...]: data in $T/data unless --data-dir is given; sets PORT, URL, keys.
start_server() {
  stop_server   # one server per test at a time: never leak the previous one
  local data=$T/data
  for a in "$@"; do case $a in --data-dir=*) data=${a#--data-dir=};; esac; done
  : > "$T/server.log"
  "$CAIRN" serve --listen 127.0.0.1:0 --data-dir "$data" "$@" > "$T/server.out" 2> "$T/server.log" &
  SERVER_PID=$!
  for _ in $(seq 100); do
    grep -q 'listening on' "$T/server.log" && break
    kill -0 $SERVER_PID 2>/dev/null || break
    sleep 0.05
  done
  PORT=$(grep -o 'listening on https\?://[^ ]*' "$T/server.log" | sed 's/.*://')
  [ -n "$PORT" ] || { echo "server did not start:"; cat "$T/server.log"; return 1; }
  URL=http://127.0.0.1:$PORT
  DATA=$data
  export CAIRN_URL=$URL
  export CAIRN_ACCESS_KEY=$(awk '/access_key/{print $3}' "$data/credentials")
  export CAIRN_SECRET_KEY=$(awk '/secret_key/{print $3}' "$data/credentials")
  AK=$CAIRN_ACCESS_KEY SK=$CAIRN_SECRET_KEY
}

stop_server() {
  [ -n "${SERVER_PID:-}" ] || return 0
  kill -TERM $SERVER_PID 2>/dev/null
  wait $SERVER_PID 2>/dev/null
  SERVER_PID=
}

# scurl [curl args...] URL: SigV4-signed curl (UNSIGNED-PAYLOAD unless HASH is set)
scurl() {
  curl -s --aws-sigv4 "aws:amz:us-east-1:s3" --user "$AK:$SK" \
    -H "x-amz-content-sha256: ${HASH:-UNSIGNED-PAYLOAD}" "$@"
}
# status of a request: scurl -o /dev/null -w '%{http_code}'
sstatus() { scurl -o /dev/null -w '%{http_code}' "$@"; }
sha() { sha256sum "$1" | cut -c1-64; }
# put_file FILE: PUT as a block with its hash; prints the HTTP status, body in $T/put.body
put_file() {
  local h; h=$(sha "$1")
  HASH=$h scurl -o "$T/put.body" -w '%{http_code}' -T "$1" "$URL/v1/blocks/$h+$(stat -c %s "$1")"
}
block_path() { echo "$1/blocks/${2:0:2}/$2"; }
count_files() { find "$1" -type f 2>/dev/null | wc -l; }
# corrupt FILE OFFSET [N]: inverts N bytes (default 1) at OFFSET, so the file always changes
corrupt() {
  local i b
  for ((i = 0; i < ${3:-1}; i++)); do
    b=$(od -An -tu1 -j $(($2 + i)) -N1 "$1" | tr -d ' ')
    printf "\\$(printf '%03o' $((255 - b)))" | dd of="$1" bs=1 seek=$(($2 + i)) conv=notrunc 2>/dev/null
  done
}
# flip_after STRING MARKER: changes the hex digit right after MARKER (to tamper with signatures)
flip_after() {
  local head=${1%%"$2"*} rest=${1#*"$2"} n=0
  [ "${rest:0:1}" = 0 ] && n=1
  echo "$head$2$n${rest:1}"
}
