#!/usr/bin/env bash
# S3 benchmark: PutObject and GetObject of 4 KiB and 64 MiB objects at 1 and 16 connections, cairn
# against s3rver (npm, a Node S3 server) in the same run; 64 MiB and 1 GiB objects at one connection
# against nginx serving the same bytes (GETs from the page cache: one untimed pass first, for both),
# as ratios; PutObject against this machine's limit (the lower of one core's MD5 rate and durable
# writes of 1 GiB, measured by run.sh or here); cairn's peak RSS over these runs and, on a fresh
# process, under 64 concurrent 64 MiB PUTs (the target: 64 MiB + the buffer pool). Called by
# bench/run.sh; appends to bench/out/results.txt and bench/out/history.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SUITE=s3; . bench/lib.sh
B=$ROOT/build/bench/s3
rm -rf "$B"; mkdir -p "$B"
LG=$ROOT/build/bench/loadgen
if [ ! -x "$ROOT/build/bench-node/node_modules/.bin/s3rver" ]; then
  mkdir -p "$ROOT/build/bench-node"
  (cd "$ROOT/build/bench-node" && npm install --silent --no-audit --no-fund s3rver@3 >/dev/null 2>&1)
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
CP= SP= NGX=
cleanup() {
  for p in $CP $SP; do kill "$p" 2>/dev/null || true; done
  [ -n "$NGX" ] && [ -f "$NGX/nginx.pid" ] && kill "$(cat "$NGX/nginx.pid")" 2>/dev/null
  true
}
trap cleanup EXIT

# cairn_up DIR [flags]: a fresh cairn on a free port with a bucket "bench"; sets CP, CPORT, CRED
cairn_up() {
  local d=$1
  shift
  cairn_start "$d" "$d.log" --log-level warn "$@"
  CP=$CAIRN_PID CPORT=$CAIRN_PORT
  AWS_ACCESS_KEY_ID=${CRED%%:*} AWS_SECRET_ACCESS_KEY=${CRED#*:} /usr/bin/aws --endpoint-url "http://127.0.0.1:$CPORT" \
    --region us-east-1 s3 mb s3://bench > /dev/null
}
cairn_up "$B/cairn"
SPORT=$(free_port)
mkdir -p "$B/s3rver"
"$ROOT/build/bench-node/node_modules/.bin/s3rver" -d "$B/s3rver" -p "$SPORT" -a 127.0.0.1 --silent > /dev/null 2>&1 &
SP=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$SPORT/" && break; sleep 0.1; done
AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER /usr/bin/aws --endpoint-url "http://127.0.0.1:$SPORT" --region us-east-1 s3 mb s3://bench > /dev/null

MD5_MBPS=${MD5_MBPS:-$(digest_rate md5)}
DD1G_MBPS=${DD1G_MBPS:-$(dd_rate "$B" 1073741824)}
PUT_LIMIT=$(( MD5_MBPS < DD1G_MBPS ? MD5_MBPS : DD1G_MBPS ))
echo "# S3: PutObject limit here = min(MD5 $MD5_MBPS, durable 1 GiB $DD1G_MBPS) = $PUT_LIMIT MB/s" | tee -a "$RES"

for spec in "4096 2000 1" "4096 4000 16" "67108864 8 1" "67108864 16 16"; do
  set -- $spec
  size=$1 n=$2 c=$3
  label=$([ "$size" = 4096 ] && echo "4 KiB" || echo "64 MiB")
  sync
  "$LG" put "http://127.0.0.1:$CPORT/bench/{id}" "$size" "$n" "$c" "$CRED" > "$B/ids-c" 2> "$B/pc.txt"
  "$LG" put "http://127.0.0.1:$SPORT/bench/{id}" "$size" "$n" "$c" S3RVER:S3RVER > "$B/ids-s" 2> "$B/ps.txt"
  "$LG" get "http://127.0.0.1:$CPORT/bench/{id}" "$B/ids-c" "$n" "$c" "$CRED" > /dev/null 2>&1   # warm
  "$LG" get "http://127.0.0.1:$SPORT/bench/{id}" "$B/ids-s" "$n" "$c" S3RVER:S3RVER > /dev/null 2>&1
  "$LG" get "http://127.0.0.1:$CPORT/bench/{id}" "$B/ids-c" $((n * 2)) "$c" "$CRED" 2> "$B/gc.txt" > /dev/null
  "$LG" get "http://127.0.0.1:$SPORT/bench/{id}" "$B/ids-s" $((n * 2)) "$c" S3RVER:S3RVER 2> "$B/gs.txt" > /dev/null
  for op in p g; do
    name=$([ $op = p ] && echo PutObject || echo GetObject)
    if [ "$size" = 4096 ]; then
      cv=$(field ops_per_s < "$B/${op}c.txt"); sv=$(field ops_per_s < "$B/${op}s.txt"); unit="ops/s"
    else
      cv=$(field MBps < "$B/${op}c.txt"); sv=$(field MBps < "$B/${op}s.txt"); unit="MB/s"
    fi
    row "$name $label, $c conns: cairn vs s3rver $unit (ratio)" "$cv vs $sv ($(echo "scale=1; $cv/$sv" | bc)x)"
  done
done

# vs_nginx SIZE COUNT LABEL: COUNT objects of SIZE put through cairn (1 conn), then GET (1 conn, from
# the page cache) from cairn and from nginx serving copies of the same bytes
vs_nginx() {
  local size=$1 n=$2 label=$3
  sync
  "$LG" put "http://127.0.0.1:$CPORT/bench/{id}" "$size" "$n" 1 "$CRED" > "$B/ids-big" 2> "$B/pc.txt"
  NGX=$B/ngx; rm -rf "$NGX"; mkdir -p "$NGX/tmp"
  for id in $(cat "$B/ids-big"); do
    curl -s --aws-sigv4 aws:amz:us-east-1:s3 --user "$CRED" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' \
      -o "$NGX/$id" "http://127.0.0.1:$CPORT/bench/$id"
  done
  local np; np=$(free_port)
  cat > "$NGX/nginx.conf" <<NGXCONF
worker_processes 2;
$( [ "$(id -u)" = 0 ] && echo "user root;" )
pid $NGX/nginx.pid;
error_log $NGX/err warn;
events { worker_connections 64; }
http { access_log off; sendfile on; client_body_temp_path $NGX/tmp; proxy_temp_path $NGX/tmp;
  fastcgi_temp_path $NGX/tmp; uwsgi_temp_path $NGX/tmp; scgi_temp_path $NGX/tmp;
  server { listen 127.0.0.1:$np; root $NGX; } }
NGXCONF
  nginx -c "$NGX/nginx.conf" -p "$NGX"
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$np/" && break; sleep 0.1; done
  "$LG" get "http://127.0.0.1:$CPORT/bench/{id}" "$B/ids-big" "$n" 1 "$CRED" > /dev/null 2>&1   # warm
  "$LG" get "http://127.0.0.1:$CPORT/bench/{id}" "$B/ids-big" $((n * 2)) 1 "$CRED" 2> "$B/gc.txt" > /dev/null
  "$LG" get "http://127.0.0.1:$np/{id}" "$B/ids-big" $((n * 2)) 1 2> "$B/gn.txt" > /dev/null
  kill "$(cat "$NGX/nginx.pid")" 2>/dev/null || true
  rm -rf "$NGX"; NGX=
  local pv gv nv
  pv=$(field MBps < "$B/pc.txt"); gv=$(field MBps < "$B/gc.txt"); nv=$(field MBps < "$B/gn.txt")
  row "PutObject $label, 1 conn: MB/s (ratio to the limit $PUT_LIMIT)" "$pv ($(ratio "$pv" "$PUT_LIMIT"))"
  row "GetObject $label, 1 conn, verify_reads=${VERIFY:-always}: cairn vs nginx MB/s (ratio)" "$gv vs $nv ($(ratio "$gv" "$nv"))"
}
vs_nginx 67108864 8 "64 MiB"
vs_nginx 1073741824 2 "1 GiB"
# s3rver, 1 GiB (two objects; 16 connections x 1 GiB would write 16 GiB per server per run)
"$LG" put "http://127.0.0.1:$SPORT/bench/{id}" 1073741824 2 1 S3RVER:S3RVER > "$B/ids-s1g" 2> "$B/ps.txt"
"$LG" get "http://127.0.0.1:$SPORT/bench/{id}" "$B/ids-s1g" 4 1 S3RVER:S3RVER 2> "$B/gs.txt" > /dev/null
row "PutObject / GetObject 1 GiB, 1 conn: s3rver MB/s" "$(field MBps < "$B/ps.txt") / $(field MBps < "$B/gs.txt")"
row "cairn peak RSS MiB over the S3 runs" "$(awk '/VmHWM/{print int($2/1024)}' /proc/$CP/status)"
kill "$SP" 2>/dev/null || true; SP=
rm -rf "$B/s3rver"

# the same GETs with verification off: these should run at nginx's rate
cairn_up "$B/cairn-never" --verify-reads never
VERIFY=never vs_nginx 67108864 8 "64 MiB"

# memory under 64 concurrent 64 MiB PUTs, on a fresh process (pool: buffers x buffer_size); one
# client address may hold all 64 buffers here (the default share, 16, would answer the rest 503
# SlowDown after buffer_wait, as it should for one client), and a PUT may wait for a buffer as long
# as the 4 GiB take to reach this disk (at the default 10 s, the last ones are told 503 SlowDown
# to retry, which is the point of buffer_wait, not what is measured here)
cairn_up "$B/cairn-rss" --buffers-per-client 64 --buffer-wait 120s
"$LG" put "http://127.0.0.1:$CPORT/bench/{id}" 67108864 64 64 "$CRED" > /dev/null 2> "$B/p64.txt" || true
row "64 concurrent 64 MiB PutObjects: MB/s, errors" "$(field MBps < "$B/p64.txt"), $(field errors < "$B/p64.txt")"
row "  peak RSS MiB during them (target: 64 + pool 64)" "$(awk '/VmHWM/{print int($2/1024)}' /proc/$CP/status)"
