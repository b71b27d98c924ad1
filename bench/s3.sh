#!/usr/bin/env bash
# S3 benchmark: PutObject and GetObject of 64 MiB and 4 KiB objects at 1 and 16 connections,
# cairn against s3rver (npm, a Node S3 server) in the same run; nginx GET numbers for the same
# sizes come from bench/run.sh. Appends to bench/out/results.txt. Called by bench/run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
B=$ROOT/build/bench/s3
rm -rf "$B"; mkdir -p "$B"
LG=$ROOT/build/bench/loadgen
RES=$ROOT/bench/out/results.txt
if [ ! -x "$ROOT/build/bench-node/node_modules/.bin/s3rver" ]; then
  mkdir -p "$ROOT/build/bench-node"
  (cd "$ROOT/build/bench-node" && npm install --silent --no-audit --no-fund s3rver@3 >/dev/null 2>&1)
fi
row() { printf '%-58s %s\n' "$1" "$2" | tee -a "$RES"; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }

"$ROOT/bin/cairn" serve --listen 127.0.0.1:0 --data-dir "$B/cairn" --log-level warn > /dev/null 2>&1 &
CP=$!
for _ in $(seq 100); do
  CPORT=$(ss -ltnpH 2>/dev/null | awk -v p="pid=$CP," '$0 ~ p {split($4,a,":"); print a[length(a)]}' | head -1)
  [ -n "$CPORT" ] && break; sleep 0.05
done
SPORT=$(( 30000 + RANDOM % 20000 ))
mkdir -p "$B/s3rver"
"$ROOT/build/bench-node/node_modules/.bin/s3rver" -d "$B/s3rver" -p $SPORT -a 127.0.0.1 --silent > /dev/null 2>&1 &
SP=$!
trap 'kill $CP $SP 2>/dev/null || true' EXIT
sleep 2
CRED="$(awk '/access_key/{print $3}' "$B/cairn/credentials"):$(awk '/secret_key/{print $3}' "$B/cairn/credentials")"
AWS_ACCESS_KEY_ID=${CRED%%:*} AWS_SECRET_ACCESS_KEY=${CRED#*:} /usr/bin/aws --endpoint-url "http://127.0.0.1:$CPORT" --region us-east-1 s3 mb s3://bench > /dev/null
AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER /usr/bin/aws --endpoint-url "http://127.0.0.1:$SPORT" --region us-east-1 s3 mb s3://bench > /dev/null

md5=$(openssl speed -evp md5 -bytes 8388608 -seconds 2 2>/dev/null | awk '/^md5/{v=$NF} END{sub("k","",v); printf "%.0f", v*1000/1e6}')
row "openssl md5 (8 MiB buffers) MB/s" "$md5"
for spec in "4096 2000 1" "4096 4000 16" "67108864 8 1" "67108864 16 16"; do
  set -- $spec
  size=$1 n=$2 c=$3
  label=$([ "$size" = 4096 ] && echo "4 KiB" || echo "64 MiB")
  sync
  "$LG" put "http://127.0.0.1:$CPORT/bench/{id}" "$size" "$n" "$c" "$CRED" > "$B/ids-c" 2> "$B/pc.txt"
  "$LG" put "http://127.0.0.1:$SPORT/bench/{id}" "$size" "$n" "$c" S3RVER:S3RVER > "$B/ids-s" 2> "$B/ps.txt"
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
# 1 GiB objects, 1 connection (two distinct objects; the load generator streams its bodies, but 16
# connections x 1 GiB would write 16 GiB per server per run), with nginx serving the same bytes for
# the GET ratio
sync
"$LG" put "http://127.0.0.1:$CPORT/bench/{id}" 1073741824 2 1 "$CRED" > "$B/ids-c1g" 2> "$B/pc.txt"
"$LG" put "http://127.0.0.1:$SPORT/bench/{id}" 1073741824 2 1 S3RVER:S3RVER > "$B/ids-s1g" 2> "$B/ps.txt"
"$LG" get "http://127.0.0.1:$CPORT/bench/{id}" "$B/ids-c1g" 4 1 "$CRED" 2> "$B/gc.txt" > /dev/null
"$LG" get "http://127.0.0.1:$SPORT/bench/{id}" "$B/ids-s1g" 4 1 S3RVER:S3RVER 2> "$B/gs.txt" > /dev/null
mkdir -p "$B/ngx1g/tmp"
for id in $(cat "$B/ids-c1g"); do
  curl -s --aws-sigv4 aws:amz:us-east-1:s3 --user "$CRED" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -o "$B/ngx1g/$id" "http://127.0.0.1:$CPORT/bench/$id"
done
NP=$(( 20000 + RANDOM % 10000 ))
cat > "$B/ngx1g/nginx.conf" <<NGX
worker_processes 2;
$( [ "$(id -u)" = 0 ] && echo "user root;" )
pid $B/ngx1g/nginx.pid;
error_log $B/ngx1g/err warn;
events { worker_connections 64; }
http { access_log off; sendfile on; client_body_temp_path $B/ngx1g/tmp; proxy_temp_path $B/ngx1g/tmp;
  fastcgi_temp_path $B/ngx1g/tmp; uwsgi_temp_path $B/ngx1g/tmp; scgi_temp_path $B/ngx1g/tmp;
  server { listen 127.0.0.1:$NP; root $B/ngx1g; } }
NGX
nginx -c "$B/ngx1g/nginx.conf" -p "$B/ngx1g" && sleep 0.3
"$LG" get "http://127.0.0.1:$NP/{id}" "$B/ids-c1g" 4 1 2> "$B/gn.txt" > /dev/null
kill "$(cat "$B/ngx1g/nginx.pid")" 2>/dev/null || true
cv=$(field MBps < "$B/pc.txt"); sv=$(field MBps < "$B/ps.txt")
row "PutObject 1 GiB, 1 conn: cairn vs s3rver MB/s (ratio)" "$cv vs $sv ($(echo "scale=1; $cv/$sv" | bc)x)"
cv=$(field MBps < "$B/gc.txt"); sv=$(field MBps < "$B/gs.txt"); nv=$(field MBps < "$B/gn.txt")
row "GetObject 1 GiB, 1 conn: cairn vs s3rver MB/s (ratio)" "$cv vs $sv ($(echo "scale=1; $cv/$sv" | bc)x)"
row "GetObject 1 GiB, 1 conn: cairn vs nginx, same bytes (ratio)" "$cv vs $nv ($(echo "scale=2; $cv/$nv" | bc))"
rm -rf "$B/ngx1g"
row "cairn peak RSS MiB over the S3 runs" "$(awk '/VmHWM/{print int($2/1024)}' /proc/$CP/status)"
