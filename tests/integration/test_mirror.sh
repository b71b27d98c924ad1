#!/usr/bin/env bash
# test_mirror.sh - the regional mirror against an nginx upstream on loopback (its access log counts
# upstream requests): miss then hit, 20 concurrent misses -> one upstream GET, redirect hops inside
# and outside mirror_allow, an upstream error then recovery, purge, mirror_max_wait -> 302 to the
# upstream, expiry and revalidation (304 -> no new copy), two regions, an entry rebuilt from its
# copy after its row is deleted; and tasks: retry then fail, cancel while running, long poll, a
# copy interrupted by kill -9 claimed again after its lease.
. "$(dirname "$0")/lib.sh"

UP=$T/up
mkdir -p "$UP/files" "$UP/slow" "$UP/cached" "$UP/logs" "$UP/big" "$UP/badmd5"
NPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$UP/nginx.conf" <<NGX
daemon on;
user root;
worker_processes 1;
pid $UP/nginx.pid;
error_log $UP/logs/error.log warn;
events { worker_connections 256; }
http {
  log_format counts '\$request_method \$uri \$status';
  access_log $UP/logs/access.log counts;
  client_body_temp_path $UP/logs; proxy_temp_path $UP/logs; fastcgi_temp_path $UP/logs;
  uwsgi_temp_path $UP/logs; scgi_temp_path $UP/logs;
  server {
    listen 127.0.0.1:$NPORT;
    root $UP;
    location /slow/ { limit_rate 4m; }
    location /big/ { limit_rate 64m; }
    location /badmd5/ { add_header Content-MD5 "AAAAAAAAAAAAAAAAAAAAAA=="; }
    location /cached/ { add_header Cache-Control "max-age=1"; }
    location /err/ { return 500; }
    location = /redir/in { return 302 http://127.0.0.1:$NPORT/files/a.bin; }
    location = /redir/out { return 302 http://localhost:$NPORT/files/a.bin; }
  }
}
NGX
nginx -c "$UP/nginx.conf" -p "$UP" || { echo "not ok - nginx did not start"; exit 1; }
trap 'kill $(cat "$UP/nginx.pid") 2>/dev/null; stop_server; rm -rf "$T"' EXIT
UPURL=http://127.0.0.1:$NPORT
head -c 3000000 /dev/urandom > "$UP/files/a.bin"
head -c 5000000 /dev/urandom > "$UP/files/b.bin"
cp "$UP/files/a.bin" "$UP/files/a-again.bin"
head -c 64000000 /dev/urandom > "$UP/slow/big.bin"
head -c 100000 /dev/urandom > "$UP/cached/x.bin"
head -c 268435456 /dev/urandom > "$UP/big/256m.bin"
head -c 3000000 /dev/urandom > "$UP/badmd5/x.bin"

upstream_gets() { grep -c "^GET $1 " "$UP/logs/access.log"; }
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
# mirror REGION UPSTREAM-PATH [curl args]: the redirect answer's status, Location in $T/loc, body in $T/body
mirror() {
  local region=$1 path=$2; shift 2
  curl -s -o "$T/body" -D "$T/hdr" -w '%{http_code}' "$@" "$URL/v1/redirect/s3/$region/$(enc "$UPURL$path")"
  tr -d '\r' < "$T/hdr" | awk 'tolower($1)=="location:"{print $2}' > "$T/loc"
}
metric() { scurl "$URL/metrics" | awk -v n="$1" '$1==n{print $2}'; }

ALLOW="^http://127\\.0\\.0\\.1:$NPORT/(files|slow|cached|err|redir|big|badmd5)/"
start_server --mirror-regions us-test,eu-test --mirror-allow "$ALLOW" --mirror-require-https 0 \
  --mirror-max-wait 20s --task-lease 2s || exit 1

expect "an unknown region is 404" "$(mirror nowhere /files/a.bin)" 404
expect "a URL outside mirror_allow is 403" "$(mirror us-test /other/a.bin)" 403
check "  ... with err InvalidUrl" grep -q '"err": *"InvalidUrl"' "$T/body"

expect "miss: 302 once the copy is there" "$(mirror us-test /files/a.bin)" 302
check "  ... Location is the region's copy" grep -q "^$URL/mirror-us-test/" "$T/loc"
check "  ... the body says present" grep -q '"status": *"present"' "$T/body"
curl -s -o "$T/a.got" "$(cat "$T/loc")"
check "  ... the copy has the upstream's bytes" cmp "$T/a.got" "$UP/files/a.bin"
expect "hit: 302 again" "$(mirror us-test /files/a.bin)" 302
expect "  ... the upstream was asked once" "$(upstream_gets /files/a.bin)" 1
expect "a Host that is not a host name never reaches a Location (400)" "$(mirror us-test /files/a.bin -H 'Host: evil.example/x?')" 400

dedup_before=$(metric cairn_block_dedup_hits_total)
expect "the same bytes under another URL" "$(mirror us-test /files/a-again.bin)" 302
dedup_after=$(metric cairn_block_dedup_hits_total)
check "  ... are stored once (dedup hits went up)" test "$dedup_after" -gt "$dedup_before"

pids=()
for i in $(seq 20); do
  curl -s -o /dev/null -w '%{http_code}' "$URL/v1/redirect/s3/us-test/$(enc "$UPURL/files/b.bin")" > "$T/par.status.$i" &
  pids+=($!)
done
wait "${pids[@]}"   # not a bare wait: the server is a child of this shell too
ok20=0
for i in $(seq 20); do [ "$(cat "$T/par.status.$i")" = 302 ] && ok20=$((ok20 + 1)); done
expect "20 concurrent misses of one URL: every one answered 302" "$ok20" 20
expect "  ... exactly one upstream GET" "$(upstream_gets /files/b.bin)" 1

expect "a redirect hop inside mirror_allow is followed" "$(mirror us-test /redir/in)" 302
curl -s -o "$T/r.got" "$(cat "$T/loc")"
check "  ... to the right bytes" cmp "$T/r.got" "$UP/files/a.bin"
expect "a redirect hop outside mirror_allow is 403" "$(mirror us-test /redir/out)" 403
check "  ... InvalidUrl" grep -q InvalidUrl "$T/body"

expect "an upstream 404 is passed on" "$(mirror us-test /files/late.bin)" 404
check "  ... as BadHTTPStatus" grep -q BadHTTPStatus "$T/body"
head -c 1000 /dev/urandom > "$UP/files/late.bin"
expect "  ... and the copy is retried once it exists" "$(mirror us-test /files/late.bin)" 302

n=$(upstream_gets /files/a.bin)
mirror us-test /files/a.bin > /dev/null
akey=$(basename "$(cat "$T/loc")")
expect "purge needs an admin" "$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$URL/v1/purge/s3/us-test/$(enc "$UPURL/files/a.bin")")" 403
expect "purge: 204" "$(sstatus -X DELETE "$URL/v1/purge/s3/us-test/$(enc "$UPURL/files/a.bin")")" 204
expect "  ... the copy is gone" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/mirror-us-test/$akey")" 404
expect "  ... the next request copies again" "$(mirror us-test /files/a.bin)" 302
expect "  ... from the upstream" "$(upstream_gets /files/a.bin)" $((n + 1))

expect "a second region copies on its own" "$(mirror eu-test /files/a.bin)" 302
check "  ... into its own bucket" grep -q "/mirror-eu-test/" "$T/loc"

# GET /v1/mirrors: the entries, paged (what the console's Mirrors page shows)
scurl "$URL/v1/mirrors" > "$T/entries.json"
check "GET /v1/mirrors lists the entries with region, URL and state" $PY -c "
import json,sys; e=json.load(open(sys.argv[1]))['entries']
assert any(x['region']=='eu-test' and x['url']==sys.argv[2] and x['state']=='present' and x['size']>0 for x in e), e
assert any(x['state']=='present' and x['region']=='us-test' for x in e), e" "$T/entries.json" "$UPURL/files/a.bin"
scurl "$URL/v1/mirrors?limit=1" > "$T/p1.json"
next=$($PY -c "import json,sys; print(json.load(open(sys.argv[1]))['next'])" "$T/p1.json")
scurl "$URL/v1/mirrors?after=$next&limit=1000" > "$T/p2.json"
check "  ... a page at a time: page 1 plus the rest is the whole list, in order" $PY -c "
import json,sys; a,b,c=(json.load(open(f)) for f in sys.argv[1:4])
k=lambda x:(x['region'],x['url']); assert [k(x) for x in a['entries']+b['entries']]==[k(x) for x in c['entries']], (a,b,c)
assert len(a['entries'])==1 and b['next'] is None" "$T/p1.json" "$T/p2.json" "$T/entries.json"
expect "  ... only for an admin (anonymous 403)" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/mirrors")" 403
expect "  ... a made-up page token is 400" "$(sstatus "$URL/v1/mirrors?after=abc.us-test")" 400
expect "  ... limit 0 is 400" "$(sstatus "$URL/v1/mirrors?limit=0")" 400

# ?stream=1: a miss is answered with the bytes while the copy runs (256 MiB at 64 MB/s upstream)
for i in 1 2; do
  curl -s -D "$T/sh.$i" -o "$T/s256.$i" -w '%{http_code}' "$URL/v1/redirect/s3/us-test/$(enc "$UPURL/big/256m.bin")?stream=1" > "$T/ss.$i" &
  spids+=($!)
done
wait "${spids[@]}"
expect "?stream=1 on a miss: 200 with the bytes" "$(cat "$T/ss.1")" 200
check "  ... streamed while the copy ran" grep -qi '^x-cairn-mirror: streamed-while-copying' "$T/sh.1"
check "  ... byte for byte the upstream's 256 MiB" cmp "$T/s256.1" "$UP/big/256m.bin"
check "  ... for a second streaming client too" cmp "$T/s256.2" "$UP/big/256m.bin"
expect "  ... from one upstream GET" "$(upstream_gets /big/256m.bin)" 1
rm -f "$T"/s256.*
expect "  ... and the copy is then present: 302" "$(mirror us-test /big/256m.bin)" 302
expect "a query other than stream=0|1 is 400" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/redirect/s3/us-test/$(enc "$UPURL/files/a.bin")?stream=2")" 400
# a copy that fails its Content-MD5 check at the end: the streaming client never gets the whole body
curl -s -o "$T/bad.got" "$URL/v1/redirect/s3/us-test/$(enc "$UPURL/badmd5/x.bin")?stream=1"
expect "a streamed copy that fails its check is cut short (curl: partial file)" "$?" 18
check "  ... before its last byte" test "$(stat -c %s "$T/bad.got")" -lt 3000000

# revalidation: max-age=1; once stale, a conditional GET answered 304 keeps the copy
expect "a copy with max-age" "$(mirror us-test /cached/x.bin)" 302
key=$(basename "$(cat "$T/loc")")
copied() { curl -sI "$URL/mirror-us-test/$key" | tr -d '\r' | awk 'tolower($1)=="x-amz-meta-copied-at:"{print $2}'; }
first_copy=$(copied)
revalidated() { mirror us-test /cached/x.bin > /dev/null; grep -q '^GET /cached/x.bin 304' "$UP/logs/access.log"; }
check "  ... is revalidated once stale (upstream 304)" wait_for 20 revalidated
expect "  ... and not copied again" "$(copied)" "$first_copy"
expect "  ... one full GET upstream" "$(grep -c '^GET /cached/x.bin 200' "$UP/logs/access.log")" 1

# the entry is only a cache: rebuilt from the copy's metadata
n=$(upstream_gets /files/b.bin)
/usr/bin/python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("DELETE FROM mirror_entries"); c.commit()' "$DATA/meta.db"
expect "an entry whose row was deleted" "$(mirror us-test /files/b.bin)" 302
expect "  ... is rebuilt from the copy without the upstream" "$(upstream_gets /files/b.bin)" "$n"

# retry then fail: an upstream 500 is retried with backoff, then the task fails
mirror us-test /err/e.bin --max-time 1 > /dev/null
task_of() { scurl "$URL/v1/tasks?kind=mirror" | /usr/bin/python3 -c 'import json, sys
for t in json.load(sys.stdin)["tasks"]:
    if t["payload"]["url"].endswith(sys.argv[1]): print(t["id"]); break' "$1"; }
tid=$(task_of /err/e.bin)
scurl "$URL/v1/tasks/$tid?wait=60" > "$T/task.json"
check "retry then fail: the task failed" grep -q '"state": *"failed"' "$T/task.json"
check "  ... after 4 attempts" grep -q '"attempts": *4' "$T/task.json"
check "  ... the admin sees the private detail" grep -q '"detail"' "$T/task.json"
expect "  ... the upstream saw 4 GETs" "$(upstream_gets /err/e.bin)" 4
expect "  ... and the waiting client went to the upstream" "$(mirror us-test /err/e.bin --max-time 30)" 302

# cancel while running: the slow copy (64 MB at 4 MB/s)
mirror us-test /slow/big.bin --max-time 1 > /dev/null
tid=$(task_of /slow/big.bin)
running() { scurl "$URL/v1/tasks/$tid" | grep -q '"state": *"running"'; }
check "a slow copy runs" wait_for 20 running
expect "cancel while running: 200" "$(sstatus -X POST "$URL/v1/tasks/$tid/cancel")" 200
scurl "$URL/v1/tasks/$tid?wait=30" > "$T/task.json"
check "  ... the long poll returns when it ends: canceled" grep -q '"state": *"canceled"' "$T/task.json"
expect "cancel of an ended task is 409" "$(sstatus -X POST "$URL/v1/tasks/$tid/cancel")" 409

# mirror_max_wait: a copy slower than the wait sends the client to the upstream
stop_server
start_server --data-dir="$DATA" --mirror-regions us-test --mirror-allow "$ALLOW" --mirror-require-https 0 \
  --mirror-max-wait 1s --task-lease 2s || exit 1
expect "past mirror_max_wait: 302" "$(mirror us-test /slow/big.bin)" 302
expect "  ... to the upstream itself" "$(cat "$T/loc")" "$UPURL/slow/big.bin"
check "  ... saying why" grep -q 'Cached copy did not show up in 1s' "$T/body"
tid=$(task_of /slow/big.bin)
check "  ... while the copy goes on" wait_for 20 running

# kill -9 mid-copy: after restart the task is claimed again once its lease expired
kill -9 $SERVER_PID; wait $SERVER_PID 2>/dev/null; SERVER_PID=
start_server --data-dir="$DATA" --mirror-regions us-test --mirror-allow "$ALLOW" --mirror-require-https 0 \
  --mirror-max-wait 60s --task-lease 2s || exit 1
scurl "$URL/v1/tasks/$tid?wait=120" > "$T/task.json"
check "a copy killed mid-way is claimed again and succeeds" grep -q '"state": *"succeeded"' "$T/task.json"
check "  ... on its second attempt" grep -q '"attempts": *2' "$T/task.json"
expect "  ... and the mirror answers from it" "$(mirror us-test /slow/big.bin)" 302
curl -s -o "$T/big.got" "$(cat "$T/loc")"
check "  ... with the upstream's bytes" cmp "$T/big.got" "$UP/slow/big.bin"

# metrics after the workload
scurl "$URL/metrics" > "$T/metrics.txt"
check "/metrics passes promtool check metrics" sh -c "promtool check metrics < '$T/metrics.txt'"
check "  ... counts mirror hits" sh -c "awk '\$1==\"cairn_mirror_hits_total\" && \$2>0' '$T/metrics.txt' | grep -q ."
check "  ... and redirect requests" grep -q 'cairn_http_requests_total{route="/v1/redirect/",method="GET",status="302"}' "$T/metrics.txt"
check "  ... and succeeded mirror tasks" grep -q 'cairn_tasks{kind="mirror",state="succeeded"}' "$T/metrics.txt"
expect "/metrics refuses anonymous readers" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/metrics")" 403
expect "ping" "$(curl -s "$URL/v1/ping" | grep -c '"alive": *true')" 1
