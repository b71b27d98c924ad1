# bench/lib.sh - what every `make bench` script shares (sourced; the caller sets SUITE and has cd'd
# to the repository root): the results table (bench/out/results.txt, this run) and the history
# (bench/out/history.tsv: one tab-separated line per figure with the date, the commit, the suite,
# the figure and its value, so a regression shows against earlier commits), this machine's limits
# (openssl's MD5 and SHA-256 rates, durable writes into a directory with dd conv=fsync), starting
# and stopping cairn, and reading a figure out of a loadgen summary.
RES=$PWD/bench/out/results.txt
HIST=$PWD/bench/out/history.tsv
mkdir -p "$PWD/bench/out"; touch "$RES" "$HIST"
[ -s "$HIST" ] || printf 'date\tcommit\tsuite\tfigure\tvalue\n' > "$HIST"
REV=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
row() {   # FIGURE VALUE: to the table, and dated with the commit to the history
  printf '%-64s %s\n' "$1" "$2" | tee -a "$RES"
  printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$REV" "${SUITE:-bench}" "$1" "$2" >> "$HIST"
}
# openssl speed of one digest (md5 | sha256) over 8 MiB buffers on one core, MB/s
digest_rate() {
  openssl speed -evp "$1" -bytes 8388608 -seconds 2 2>/dev/null |
    awk -v a="$1" '$1 == a {v=$NF} END{sub("k","",v); printf "%.0f", v*1000/1e6}'
}
# durable write rate of SIZE bytes into DIR (dd conv=fsync from memory), MB/s
dd_rate() {
  local dir=$1 size=$2 src=/dev/shm/cairn-bench-dd.$$
  head -c "$size" /dev/urandom > "$src"
  { dd if="$src" of="$dir/dd-test.$$" bs=8M conv=fsync 2>&1 >/dev/null; } |
    awk '/copied/{v=$(NF-1); u=$NF; if (u ~ /^GB/) v*=1000; if (u ~ /^kB/) v/=1000; printf "%.0f", v}'
  rm -f "$src" "$dir/dd-test.$$"
}
ratio() { echo "scale=2; $1 / $2" | bc; }
now() { date +%s.%N; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }   # NAME=value of a loadgen summary on stdin

# cairn_start DATA_DIR LOG [serve flags]: stops the server it started before, starts a fresh one on
# a free loopback port and waits until /readyz answers 200 (30 s at most); sets CAIRN_PID,
# CAIRN_PORT, CRED (the admin's AK:SK) and UP_S (seconds from launch to ready)
cairn_start() {
  local d=$1 log=$2 t0
  shift 2
  cairn_stop
  t0=$(date +%s.%N)
  "$PWD/bin/cairn" serve --listen 127.0.0.1:0 --data-dir "$d" "$@" > /dev/null 2> "$log" &
  CAIRN_PID=$!
  CAIRN_PORT=
  for _ in $(seq 3000); do
    [ -z "$CAIRN_PORT" ] && CAIRN_PORT=$(ss -ltnpH 2>/dev/null | awk -v p="pid=$CAIRN_PID," '$0 ~ p {split($4,a,":"); print a[length(a)]}' | head -1)
    [ -n "$CAIRN_PORT" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$CAIRN_PORT/readyz")" = 200 ] && break
    sleep 0.01
  done
  UP_S=$(echo "$(date +%s.%N) - $t0" | bc)
  CRED="$(awk '/access_key/{print $3}' "$d/credentials"):$(awk '/secret_key/{print $3}' "$d/credentials")"
}
cairn_stop() {
  [ -n "${CAIRN_PID:-}" ] && { kill -TERM "$CAIRN_PID" 2>/dev/null; wait "$CAIRN_PID" 2>/dev/null || true; }
  CAIRN_PID=
}
