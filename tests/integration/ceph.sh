#!/usr/bin/env bash
# ceph.sh up|down|rgw-stop|rgw-start|osd-stop DIR [ID] - a throw-away single-node Ceph on 127.0.0.1 for
# tests: one monitor, NOSD memstore OSDs (default 1; pools keep min(NOSD, 3) copies, one is enough to
# serve, so osd-stop DIR ID leaves reads degraded but working; MEMSTORE_BYTES each, default 1 GiB),
# and (FS=1, the default) an MDS with a CephFS mounted by ceph-fuse at DIR/mnt,
# and/or (RGW=1) a radosgw S3 endpoint, its URL and keys in DIR/s3.env; no auth, no systemd, each
# daemon's PID kept in DIR/pids and stopped by it. Written from the recipe in the workplace's
# shared notes (its settings explained there): POSIX ACLs need "client acl type = posix_acl";
# "mds dirstat min interval = 0" and "client caps release delay = 0" keep ceph.dir.rbytes within
# about a second of a write; CephFS quotas are enforced by the client, with some overshoot.
set -euo pipefail
cmd=${1:-up}; D=$2
export CEPH_CONF=$D/ceph.conf
# ports: a free one for the monitor and a range after it (two test runs side by side must not meet)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
if [ -z "${MON_PORT:-}" ]; then
  base=$((20000 + RANDOM % 400 * 100)); MON_PORT=$base; BIND_PORTS=$((base + 1))-$((base + 99))
  python3 -c "import socket,sys; s=socket.socket(); s.bind(('127.0.0.1', $MON_PORT))" 2> /dev/null || MON_PORT=$(free_port)
fi
BIND_PORTS=${BIND_PORTS:-$((MON_PORT + 1))-$((MON_PORT + 99))}
wait_for() { local n=$1; shift; for _ in $(seq $((n * 5))); do "$@" > /dev/null 2>&1 && return 0; sleep 0.2; done; echo "timeout: $*" >&2; return 1; }
start() { local name=$1; shift; "$@" > "$D/log/$name.out" 2>&1 & echo $! > "$D/pids/$name"; }
stop() {
  local sig=$1 f ps=""; shift
  for f in "$@"; do [ -f "$D/pids/$f" ] && ps="$ps $(cat "$D/pids/$f")"; done
  [ -z "$ps" ] && return 0
  kill -$sig $ps 2> /dev/null || true
  for _ in $(seq 25); do kill -0 $ps 2> /dev/null || return 0; sleep 0.2; done
  kill -KILL $ps 2> /dev/null || true
}
if [ "$cmd" = rgw-stop ]; then stop TERM rgw; exit 0; fi   # the gateway goes away (the cluster stays)
if [ "$cmd" = osd-stop ]; then stop KILL "osd.$3"; ceph osd down "osd.$3" > /dev/null 2>&1; exit 0; fi   # marked down at once, not after the heartbeat grace
if [ "$cmd" = rgw-start ]; then   # and comes back on its port
  . "$D/s3.env"
  RGW_PORT=${S3_URL##*:}
  start rgw radosgw -f -n client.rgw --rgw-frontends "beast endpoint=127.0.0.1:$RGW_PORT"
  wait_for 90 curl -s -m 2 -o /dev/null "http://127.0.0.1:$RGW_PORT/"
  exit 0
fi
if [ "$cmd" = down ]; then
  if grep -q " $D/mnt fuse" /proc/mounts; then fusermount -u "$D/mnt" 2> /dev/null || fusermount -uz "$D/mnt"; fi
  stop TERM fuse; stop KILL mds; stop TERM rgw
  for f in "$D"/pids/osd*; do [ -e "$f" ] && stop TERM "${f##*/}"; done
  stop TERM mon
  rm -rf --one-file-system "$D"
  exit 0
fi
mkdir -p "$D"/{mon,run,log,pids,mnt,rgw}
FS=${FS:-1}; RGW=${RGW:-}; NOSD=${NOSD:-1}
FSID=$(cat /proc/sys/kernel/random/uuid)
cat > "$CEPH_CONF" <<CONF
[global]
fsid = $FSID
mon host = v2:127.0.0.1:$MON_PORT
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr1 = false
ms bind port min = ${BIND_PORTS%-*}
ms bind port max = ${BIND_PORTS#*-}
auth cluster required = none
auth service required = none
auth client required = none
run dir = $D/run
admin socket = $D/run/\$name.asok
log file = $D/log/\$name.log
osd pool default size = $((NOSD < 3 ? NOSD : 3))
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon data avail crit = 0
mon data avail warn = 0
osd objectstore = memstore
osd data = $D/osd.\$id
memstore device bytes = ${MEMSTORE_BYTES:-1073741824}
osd crush update on start = false
osd class update on start = false
[mon.a]
mon data = $D/mon
paxos propose interval = 0.05
[client]
ms mon client mode = crc
rgw data = $D/rgw
rgw thread pool size = 64
[mds]
mds cache memory limit = 268435456
mds dirstat min interval = 0
[client.fuse]
client acl type = posix_acl
client caps release delay = 0
CONF
monmaptool --create --fsid "$FSID" --addv a "[v2:127.0.0.1:$MON_PORT]" "$D/monmap" > /dev/null
ceph-mon --mkfs -i a --monmap "$D/monmap" --keyring /dev/null
start mon ceph-mon -f -i a
wait_for 30 ceph -s --connect-timeout 2
for _ in $(seq "$NOSD"); do
  U=$(cat /proc/sys/kernel/random/uuid); ID=$(ceph osd new "$U"); mkdir -p "$D/osd.$ID"
  ceph osd crush add osd.$ID 1 root=default host=localhost > /dev/null 2>&1
  ceph-osd -i "$ID" --mkfs --osd-uuid "$U" > "$D/log/osd-mkfs.$ID.out" 2>&1
  start osd.$ID ceph-osd -f -i "$ID"
done
wait_for 60 sh -c "ceph osd stat | grep -q '$NOSD up'"
if [ "$FS" = 1 ]; then
  { ceph osd pool create cephfs_metadata; ceph osd pool create cephfs_data; ceph fs new cephfs cephfs_metadata cephfs_data; } > "$D/log/fs-new.out" 2>&1
  start mds ceph-mds -f -i a
  wait_for 30 sh -c "ceph mds stat | grep -q up:active"
  start fuse ceph-fuse -f --id fuse "$D/mnt"
  wait_for 30 grep -q " $D/mnt fuse" /proc/mounts
fi
if [ -n "$RGW" ]; then
  RGW_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  start rgw radosgw -f -n client.rgw --rgw-frontends "beast endpoint=127.0.0.1:$RGW_PORT"
  wait_for 90 curl -s -m 2 -o /dev/null "http://127.0.0.1:$RGW_PORT/"
  radosgw-admin user create --uid=tester --display-name=Tester > "$D/user.json"
  python3 -c "import json; k=json.load(open('$D/user.json'))['keys'][0]
print('S3_URL=http://127.0.0.1:$RGW_PORT\nS3_ACCESS_KEY=' + k['access_key'] + '\nS3_SECRET_KEY=' + k['secret_key'])" > "$D/s3.env"
fi
