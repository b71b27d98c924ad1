#!/usr/bin/env bash
# make bench: cairn against nginx serving the same block files, in one run, on loopback.
# Prints GET throughput ratios (verify_reads never/always), PUT throughput against this machine's
# PUT limit (the lower of openssl sha256 speed and durable dd into the data directory), 4 KiB
# ops/s with p50/p99, and cairn's peak RSS during 64 concurrent 8 MiB PUTs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
B=$ROOT/build/bench
rm -rf "$B"; mkdir -p "$B"
gcc -O2 -Wall -Wextra -Werror -o "$B/loadgen" bench/loadgen.c -lcurl -lcrypto
LG=$B/loadgen
CAIRN=$ROOT/bin/cairn
DATA=$B/data
mkdir -p "$ROOT/bench/out"; : > "$ROOT/bench/out/results.txt"
SUITE=blocks; . bench/lib.sh
PID=

start_cairn() {   # a fresh server on $DATA (flags: serve options); sets PID, PORT, CRED, CURL_TPL
  cairn_start "$DATA" "$B/cairn.log" --log-level warn "$@"
  PID=$CAIRN_PID PORT=$CAIRN_PORT
  CURL_TPL="http://127.0.0.1:$PORT/v1/blocks/{id}"
}
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; [ -f "$B/nginx.pid" ] && kill "$(cat "$B/nginx.pid")" 2>/dev/null; true; }
trap cleanup EXIT

echo "# cairn benchmark, $(date -u +%FT%TZ), commit $REV, $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo)" | tee -a "$RES"
# this machine's limits, measured first: every ratio below and in s3.sh is against these
mkdir -p "$DATA"
SUITE=machine
MD5_MBPS=$(digest_rate md5); SHA_MBPS=$(digest_rate sha256)
DD512_MBPS=$(dd_rate "$DATA" 536870912); DD1G_MBPS=$(dd_rate "$DATA" 1073741824)
export MD5_MBPS SHA_MBPS DD512_MBPS DD1G_MBPS   # for s3.sh
row "openssl md5, one core, MB/s" "$MD5_MBPS"
row "openssl sha256, one core, MB/s" "$SHA_MBPS"
row "dd conv=fsync 512 MiB into the data dir, MB/s" "$DD512_MBPS"
row "dd conv=fsync 1 GiB into the data dir, MB/s" "$DD1G_MBPS"
SUITE=blocks
start_cairn --verify-reads never
"$LG" put "$CURL_TPL" 8388608 32 4 "$CRED" > "$B/ids8m" 2> "$B/put8m.txt"
"$LG" put "$CURL_TPL" 4096 2000 16 "$CRED" > "$B/ids4k" 2> "$B/put4k.txt"

# nginx serving the same files (blocks/<id[0:2]>/<id>) with sendfile
NPORT=$(( 20000 + RANDOM % 20000 ))
cat > "$B/nginx.conf" <<NGX
worker_processes 2;
$( [ "$(id -u)" = 0 ] && echo "user root;" )
pid $B/nginx.pid;
error_log $B/nginx.err warn;
events { worker_connections 1024; }
http {
  access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000;
  client_body_temp_path $B/ngx_tmp; proxy_temp_path $B/ngx_tmp; fastcgi_temp_path $B/ngx_tmp;
  uwsgi_temp_path $B/ngx_tmp; scgi_temp_path $B/ngx_tmp;
  server { listen 127.0.0.1:$NPORT; root $DATA; location /blocks/ { } }
}
NGX
mkdir -p "$B/ngx_tmp"
nginx -c "$B/nginx.conf" -p "$B"
sleep 0.3
NG_TPL="http://127.0.0.1:$NPORT/blocks/{p}/{id}"

# GET 8 MiB: three interleaved rounds, medians (a 2-core VM is noisy; client and servers share it)
N=256; C=4
median() { sort -n | sed -n 2p; }
get_round() { "$LG" get "$1" "$B/ids8m" $N $C ${2:-} 2>&1 >/dev/null | field MBps; }
for i in 1 2 3; do get_round "$NG_TPL" >> "$B/g_ngx"; get_round "$CURL_TPL" "$CRED" >> "$B/g_never"; done
start_cairn --verify-reads always
for i in 1 2 3; do get_round "$CURL_TPL" "$CRED" >> "$B/g_always"; done
ngx=$(median < "$B/g_ngx"); nev=$(median < "$B/g_never"); alw=$(median < "$B/g_always")
row "GET 8 MiB x$N, $C conns, median of 3: nginx MB/s" "$ngx"
row "GET 8 MiB: cairn verify_reads=never MB/s (ratio to nginx)" "$nev ($(echo "scale=2; $nev/$ngx" | bc))"
row "GET 8 MiB: cairn verify_reads=always MB/s (ratio to nginx)" "$alw ($(echo "scale=2; $alw/$ngx" | bc))"
"$LG" get "$NG_TPL" "$B/ids8m" 128 1 2> "$B/g1_ngx.txt" > /dev/null
start_cairn --verify-reads never
"$LG" get "$CURL_TPL" "$B/ids8m" 128 1 "$CRED" 2> "$B/g1_never.txt" > /dev/null
n1=$(field MBps < "$B/g1_ngx.txt"); c1=$(field MBps < "$B/g1_never.txt")
row "GET 8 MiB, 1 conn: nginx MB/s" "$n1"
row "GET 8 MiB, 1 conn: cairn verify_reads=never MB/s (ratio)" "$c1 ($(echo "scale=2; $c1/$n1" | bc))"

# the PUT limit: the lower of SHA-256 and the durable write rate of the data disk (measured above)
limit=$(( SHA_MBPS < DD512_MBPS ? SHA_MBPS : DD512_MBPS ))
sync   # earlier phases' dirty pages would otherwise be flushed during the PUT runs
"$LG" put "$CURL_TPL" 8388608 48 1 "$CRED" 2> "$B/p1.txt" > /dev/null
sync
"$LG" put "$CURL_TPL" 8388608 96 4 "$CRED" 2> "$B/p4.txt" > /dev/null
p1=$(field MBps < "$B/p1.txt"); p4=$(field MBps < "$B/p4.txt")
row "PUT 8 MiB, 1 conn MB/s (ratio to limit $limit)" "$p1 ($(ratio "$p1" "$limit"))"
row "PUT 8 MiB, 4 conns MB/s (ratio to limit $limit)" "$p4 ($(ratio "$p4" "$limit"))"

"$LG" put "$CURL_TPL" 4096 4000 16 "$CRED" 2> "$B/p4k.txt" > /dev/null
"$LG" get "$CURL_TPL" "$B/ids4k" 20000 16 "$CRED" 2> "$B/g4k.txt" > /dev/null
"$LG" get "$NG_TPL" "$B/ids4k" 20000 16 2> "$B/g4k_ngx.txt" > /dev/null
for f in p4k g4k g4k_ngx; do
  case $f in p4k) n="PUT 4 KiB, 16 conns (cairn)";; g4k) n="GET 4 KiB, 16 conns (cairn)";; g4k_ngx) n="GET 4 KiB, 16 conns (nginx)";; esac
  row "$n ops/s, p50/p99 ms" "$(field ops_per_s < "$B/$f.txt"), $(field p50_ms < "$B/$f.txt")/$(field p99_ms < "$B/$f.txt")"
done

# peak RSS during 64 concurrent 8 MiB PUTs, on a fresh process
start_cairn
"$LG" put "$CURL_TPL" 8388608 64 64 "$CRED" 2> "$B/p64.txt" > /dev/null
hwm=$(awk '/VmHWM/{print int($2/1024)}' /proc/$PID/status)
row "64 concurrent 8 MiB PUTs: MB/s, errors" "$(field MBps < "$B/p64.txt"), $(field errors < "$B/p64.txt")"
row "peak RSS MiB during them (target <= 32 + pool 64)" "$hwm"
echo "# raw loadgen lines in $B/*.txt; this table in bench/out/results.txt, every figure also in bench/out/history.tsv"
bash bench/s3.sh
