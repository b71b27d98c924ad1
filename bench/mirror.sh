#!/usr/bin/env bash
# make bench, mirror part: a 256 MiB object behind an nginx upstream on loopback, fetched straight
# from nginx, then through cairn's regional mirror on a miss (waiting for the copy, then following
# the 302), on a miss with ?stream=1 (bytes while the copy runs), and on a hit: time to first byte
# and total time of each, as ratios to nginx, and cairn's peak RSS. Appends to bench/out/results.txt
# and one dated line per figure to bench/out/history.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
B=$ROOT/build/bench-mirror
rm -rf "$B"; mkdir -p "$B/up/files" "$B/up/logs"
CAIRN=$ROOT/bin/cairn
SUITE=mirror; . bench/lib.sh
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

NPORT=$(port)
cat > "$B/up/nginx.conf" <<NGX
daemon on;
user root;
worker_processes 1;
pid $B/up/nginx.pid;
error_log $B/up/logs/error.log warn;
events { worker_connections 64; }
http {
  access_log off; sendfile on;
  client_body_temp_path $B/up/logs; proxy_temp_path $B/up/logs; fastcgi_temp_path $B/up/logs;
  uwsgi_temp_path $B/up/logs; scgi_temp_path $B/up/logs;
  server { listen 127.0.0.1:$NPORT; root $B/up; }
}
NGX
nginx -c "$B/up/nginx.conf" -p "$B/up"
UP=http://127.0.0.1:$NPORT
"$CAIRN" serve --listen 127.0.0.1:0 --data-dir "$B/data" --mirror-regions bench \
  --mirror-allow "^http://127\\.0\\.0\\.1:$NPORT/files/" --mirror-require-https 0 --mirror-max-wait 120s \
  > /dev/null 2> "$B/cairn.log" &
PID=$!
trap 'kill $PID 2>/dev/null || true; kill "$(cat "$B/up/nginx.pid")" 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q 'listening on' "$B/cairn.log" && break; sleep 0.05; done
URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$B/cairn.log" | head -1)
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

echo "# mirror: 256 MiB object, nginx upstream on loopback" | tee -a "$RES"
for n in miss stream; do head -c $((256 << 20)) /dev/urandom > "$B/up/files/$n.bin"; done
# fetch NAME URL [curl args]: "ttfb total" in seconds, the body checked against the upstream file
fetch() {
  local f=$1; shift
  curl -s -L -o "$B/got" -w '%{time_starttransfer} %{time_total}' "$@"
  cmp -s "$B/got" "$B/up/files/$f" || { echo "bench: $f came back different" >&2; exit 1; }
  rm -f "$B/got"
}
cat "$B/up/files/"*.bin > /dev/null   # the upstream's bytes in the page cache, as for nginx's own run
read -r n_ttfb n_total <<< "$(fetch miss.bin "$UP/files/miss.bin")"
read -r m_ttfb m_total <<< "$(fetch miss.bin "$URL/v1/redirect/s3/bench/$(enc "$UP/files/miss.bin")")"
read -r s_ttfb s_total <<< "$(fetch stream.bin "$URL/v1/redirect/s3/bench/$(enc "$UP/files/stream.bin")?stream=1")"
read -r h_ttfb h_total <<< "$(fetch miss.bin "$URL/v1/redirect/s3/bench/$(enc "$UP/files/miss.bin")")"
ms() { awk -v t="$1" 'BEGIN{printf "%.1f", t * 1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a / b}'; }
mbps() { awk -v t="$1" 'BEGIN{printf "%.0f", 268435456 / t / 1e6}'; }
row "nginx direct: TTFB ms, total s (MB/s)" "$(ms "$n_ttfb"), $n_total ($(mbps "$n_total"))"
row "mirror miss, wait then 302: TTFB ms, total s (x nginx)" "$(ms "$m_ttfb"), $m_total ($(ratio "$m_total" "$n_total"))"
row "mirror miss, ?stream=1: TTFB ms, total s (x nginx)" "$(ms "$s_ttfb"), $s_total ($(ratio "$s_total" "$n_total"))"
row "mirror hit, 302 then GET: TTFB ms, total s (x nginx)" "$(ms "$h_ttfb"), $h_total ($(ratio "$h_total" "$n_total"))"
row "cairn peak RSS MiB over the mirror runs" "$(awk '/VmHWM/{print int($2/1024)}' /proc/$PID/status)"
