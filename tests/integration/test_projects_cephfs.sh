#!/usr/bin/env bash
# The cephfs storage system against a CephFS started here (ceph.sh: mon, memstore OSD, MDS,
# ceph-fuse on loopback): the project's quota set as ceph.quota.max_bytes and enforced by CephFS
# (writes eventually fail with EDQUOT), usage read from ceph.dir.rbytes, members as POSIX ACLs.
. "$(dirname "$0")/lib.sh"
for c in ceph-mon ceph-osd ceph-mds ceph-fuse getfattr; do
  command -v $c > /dev/null || { echo "ok - SKIP cephfs spaces: $c is not installed"; exit 0; }
done
[ "$(id -u)" = 0 ] || { echo "ok - SKIP cephfs spaces: needs root (a FUSE mount with allow_other)"; exit 0; }
HARNESS="$(dirname "$0")/ceph.sh"
C=$T/ceph
trap 'stop_server; bash "$HARNESS" down "$C" > /dev/null 2>&1; rm -rf "$T"' EXIT
bash "$HARNESS" up "$C" > "$T/ceph.out" 2>&1 || { fail "a CephFS could not be started (see $T/ceph.out)"; cat "$T/ceph.out"; exit 1; }
M=$C/mnt
start_server --cephfs-root "$M" --projects-refresh 1s || exit 1
fg() { fg_call "$AK:$SK" "$@"; }
wait_task() { fg_wait_task "$@"; }
taskid() { fg_task_id; }
tid=$(fg -X POST -d '{"projectID":"3020000.01","storage":{"system":"cephfs","quotaGb":0,"quotaBytes":4000000},"members":[{"userID":"daemon","role":"contributor"},{"userID":"bin","role":"viewer"}]}' "$URL/v1/projects" | taskid)
check "POST a cephfs project: the task succeeds" wait_task project "$tid"
P=$M/projects/3020000.01
expect "  ... ceph.quota.max_bytes is the quota" "$(getfattr --only-values -n ceph.quota.max_bytes "$P" 2>/dev/null)" 4000000
check "  ... members are POSIX ACL entries" sh -c "getfacl -p '$P' 2>/dev/null | grep -q '^user:daemon:rwx' && getfacl -p '$P' | grep -q '^user:bin:r-x'"
head -c 2000000 /dev/urandom > "$P/a"
usage() { fg "$URL/v1/projects/3020000.01" | sed -n 's/.*"usageBytes":\([0-9]*\).*/\1/p'; }
counted() { [ "$(usage)" = 2000000 ]; }
check "usage comes from ceph.dir.rbytes (refreshed every projects_refresh)" wait_for 30 counted
# CephFS's client enforces the quota: writing on eventually fails (EDQUOT, with some overshoot)
over() { dd if=/dev/zero of="$P/fill" bs=1M count=16 conv=fsync 2> "$T/dd.err"; ! grep -q . "$T/dd.err" && return 1; grep -qi 'quota' "$T/dd.err"; }
check "the quota is enforced by CephFS (a write past it fails: Disk quota exceeded)" wait_for 20 over
tid=$(fg -X PATCH -d '{"storage":{"quotaGb":1}}' "$URL/v1/projects/3020000.01" | taskid)
wait_task project "$tid"
expect "PATCH the quota: the attribute follows" "$(getfattr --only-values -n ceph.quota.max_bytes "$P" 2>/dev/null)" 1073741824
