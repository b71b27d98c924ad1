#!/usr/bin/env bash
# Backend faults under an S3 volume: cairn talks to a Ceph RGW through a fault-injecting TCP proxy
# (faultproxy.py). Dropped and stalled connections are retried and then answered 503 (never a
# missing or corrupt block: nothing is quarantined), a PUT that fails commits no object, and once
# the store is back everything works again; the same when RGW itself is killed and restarted.
# While the store is known down, requests fail at once (one probe a second looks for it). With one
# of Ceph's two OSDs stopped, reads and writes go on (degraded).
. "$(dirname "$0")/lib.sh"
for c in ceph-mon ceph-osd radosgw; do command -v $c > /dev/null || { echo "ok - SKIP s3 faults: $c is not installed"; exit 0; }; done
HARNESS="$(dirname "$0")/ceph.sh"
C=$T/ceph
PROXY_PID=
trap 'stop_server; [ -n "$PROXY_PID" ] && kill $PROXY_PID; bash "$HARNESS" down "$C" > /dev/null 2>&1; rm -rf "$T"' EXIT
FS=0 RGW=1 NOSD=2 bash "$HARNESS" up "$C" > "$T/ceph.out" 2>&1 || { fail "Ceph RGW could not be started"; tail -20 "$T/ceph.out"; exit 1; }
. "$C/s3.env"
rgw() { AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY AWS_DEFAULT_REGION=us-east-1 /usr/bin/aws --endpoint-url "$S3_URL" "$@"; }
rgw s3 mb s3://faulty > /dev/null
echo pass > "$T/mode"
/usr/bin/python3 "$(dirname "$0")/faultproxy.py" "$T/proxy.port" "$T/mode" 127.0.0.1 "${S3_URL##*:}" &
PROXY_PID=$!
wait_for 10 test -s "$T/proxy.port"
start_server --volumes s3://faulty/p --s3-endpoint "http://127.0.0.1:$(cat "$T/proxy.port")" --s3-access-key "$S3_ACCESS_KEY" \
  --s3-secret-key "$S3_SECRET_KEY" --s3-stall 1s || exit 1
export AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
/usr/bin/aws --endpoint-url "$URL" s3 mb s3://data > /dev/null
head -c 3000000 /dev/urandom > "$T/a"; head -c 2000000 /dev/urandom > "$T/b"
expect "through the proxy: PUT" "$(sstatus -T "$T/a" "$URL/data/a")" 200
quarantined() { rgw s3 ls --recursive s3://faulty | grep -c ' p/quarantine/'; }

for m in drop stall; do
  echo $m > "$T/mode"
  t0=$(date +%s)
  code=$(sstatus -T "$T/b" "$URL/data/b-$m")
  secs=$(( $(date +%s) - t0 ))
  check "connections: $m: a PUT is retried, then answered 503 (got $code after ${secs} s)" test "$code" = 503
  expect "  ... and committed no object" "$(sstatus -I "$URL/data/b-$m")" 404
  get_503() { [ "$(scurl -o /dev/null -w '%{http_code}' "$URL/data/a")" = 503 ]; }
  check "  ... a GET of a stored object answers 503, not 404" wait_for 10 get_503
  echo pass > "$T/mode"
  expect "  ... no block was taken for corrupt" "$(quarantined)" 0
  whole() { scurl -o "$T/a.back" "$URL/data/a" && [ "$(sha "$T/a.back")" = "$(sha "$T/a")" ]; }
  check "back to normal: the object reads back whole (after one probe a second finds the store again)" wait_for 30 whole
done

bash "$HARNESS" rgw-stop "$C"
expect "RGW killed: a PUT answers 503" "$(sstatus -T "$T/b" "$URL/data/b-killed")" 503
check "  ... a GET too" wait_for 10 get_503
bash "$HARNESS" rgw-start "$C"
put_back() { [ "$(sstatus -T "$T/b" "$URL/data/b-after")" = 200 ]; }
check "RGW restarted: PUTs work again" wait_for 60 put_back
scurl -o "$T/b.back" "$URL/data/b-after"
expect "  ... and read back whole" "$(sha "$T/b.back")" "$(sha "$T/b")"
expect "  ... the PUT made while it was down left no object" "$(sstatus -I "$URL/data/b-killed")" 404

bash "$HARNESS" osd-stop "$C" 1
scurl -o "$T/a.degraded" "$URL/data/a"
expect "one of two OSDs stopped: a stored object still reads back whole (degraded)" "$(sha "$T/a.degraded" 2>/dev/null)" "$(sha "$T/a")"
expect "  ... and a new PUT works" "$(sstatus -T "$T/b" "$URL/data/b-degraded")" 200
