#!/usr/bin/env bash
# The posix storage system on a loop-mounted XFS image made here: a project's directory, its
# members as POSIX ACLs (getfacl), traverse entries on the parent, recursion over existing content,
# usage measured by a walk and refreshed every projects_refresh, a home owned by its user, removal
# refused while a space holds data. XFS project quotas are set when the kernel and mount have them
# (prjquota), and then enforced by the filesystem; otherwise the task says the quota is recorded
# only, and that part is reported as a SKIP line.
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" != 0 ] || ! command -v mkfs.xfs > /dev/null; then
  echo "ok - SKIP posix spaces: needs root and xfsprogs"; exit 0
fi
MNT=$T/xfs
mkdir -p "$MNT"
truncate -s 300M "$T/xfs.img"
mkfs.xfs -q "$T/xfs.img"
quota=1
mount -o loop,prjquota "$T/xfs.img" "$MNT" 2>/dev/null || { quota=0; mount -o loop "$T/xfs.img" "$MNT" 2>/dev/null; } || {
  echo "ok - SKIP posix spaces: cannot loop-mount an XFS image here"; exit 0; }
cleanup_xfs() { stop_server; umount "$MNT" 2>/dev/null; }
trap 'cleanup_xfs; rm -rf "$T"' EXIT
start_server --posix-root "$MNT" --projects-refresh 1s || exit 1
fg() { fg_call "$AK:$SK" "$@"; }
wait_task() { fg_wait_task "$@"; }
taskid() { fg_task_id; }
expect "a projectID that climbs out of posix_root: 400" "$(fg -o /dev/null -w '%{http_code}' -X POST -d '{"projectID":"..","storage":{"system":"posix","quotaGb":1}}' "$URL/v1/projects")" 400
expect "  ... or names a path: 400" "$(fg -o /dev/null -w '%{http_code}' -X POST -d '{"projectID":"a/../../etc","storage":{"system":"posix","quotaGb":1}}' "$URL/v1/projects")" 400
check "  ... nothing made" test ! -e "$MNT/etc"
tid=$(fg -X POST -d '{"projectID":"3010000.01","storage":{"system":"posix","quotaGb":1},"members":[{"userID":"daemon","role":"contributor"},{"userID":"bin","role":"viewer"}]}' "$URL/v1/projects" | taskid)
check "POST a posix project: the task succeeds" wait_task project "$tid"
P=$MNT/projects/3010000.01
check "  ... its directory exists (setgid, group-writable)" sh -c "test -d '$P' && stat -c %a '$P' | grep -q '^2770$'"
getfacl -p "$P" > "$T/acl" 2>/dev/null
check "  ... a contributor is an rwx ACL entry" grep -q '^user:daemon:rwx' "$T/acl"
check "  ... a viewer r-x" grep -q '^user:bin:r-x' "$T/acl"
check "  ... as default ACLs too (new files inherit them)" grep -q '^default:user:daemon:rwx' "$T/acl"
check "  ... the parent lets members traverse" sh -c "getfacl -p '$MNT/projects' 2>/dev/null | grep -q '^user:daemon:--x'"
check "a file made there inherits the members' entries" sh -c "echo hi > '$P/new' && getfacl -p '$P/new' | grep -q '^user:bin:r-'"
mkdir -p "$P/old/deep"; echo x > "$P/old/deep/f"; setfacl -b "$P/old" "$P/old/deep" "$P/old/deep/f"
tid=$(fg -X PATCH -d '{"members":[{"userID":"sys","role":"viewer"}],"recursion":true}' "$URL/v1/projects/3010000.01" | taskid)
check "PATCH a member with recursion: the task succeeds" wait_task project "$tid"
check "  ... existing content gets the entry" sh -c "getfacl -p '$P/old/deep/f' | grep -q '^user:sys:r-x'"
tid=$(fg -X PATCH -d '{"members":[{"userID":"bin","role":"none"}]}' "$URL/v1/projects/3010000.01" | taskid)
wait_task project "$tid"
check "role none removes the ACL entry" sh -c "! getfacl -p '$P' | grep -q '^user:bin:'"
check "a user with no system account: the task fails, saying so" sh -c "
  id=\$(curl -s -u '$AK:$SK' -X PATCH -d '{\"members\":[{\"userID\":\"no-such-user-x\",\"role\":\"viewer\"}]}' '$URL/v1/projects/3010000.01' | sed -n 's/.*\"taskID\":\"\([0-9a-f]*\)\".*/\1/p')
  for i in \$(seq 30); do curl -s -u '$AK:$SK' '$URL/v1/tasks/project/'\$id | grep -q '\"status\":\"failed\".*no system user' && exit 0; sleep 1; done; exit 1"
head -c 3000000 /dev/urandom > "$P/data.bin"
usage() { fg "$URL/v1/projects/3010000.01" | sed -n 's/.*"usageLogicalBytes":\([0-9]*\).*/\1/p'; }
grown() { [ "$(usage)" -ge 3000000 ]; }
check "usage is measured by a walk, refreshed every projects_refresh" wait_for 30 grown
tid=$(fg -X PATCH -d '{"storage":{"quotaGb":1}}' "$URL/v1/projects/3010000.01" | taskid)
wait_task project "$tid"
res=$(fg "$URL/v1/tasks/project/$tid")
if [ $quota = 1 ] && echo "$res" | grep -q '"quotaEnforced":true'; then
  check "XFS project quota: the limit is set" sh -c "xfs_quota -x -c 'report -p -b' '$MNT' | grep -q 1048576"
else
  check "without XFS project quota here the task says the quota is recorded only" sh -c "echo '$res' | grep -q '\"quotaEnforced\":false'"
  echo "ok - SKIP XFS project quota enforcement: this kernel or mount has no XFS quota (prjquota)"
fi
tid=$(fg -X POST -d '{"userID":"daemon","storage":{"system":"posix","quotaGb":1}}' "$URL/v1/users" | taskid)
check "a posix home: the task succeeds" wait_task user "$tid"
check "  ... owned by its user, nothing for others" sh -c "stat -c '%U %a' '$MNT/home/daemon' | grep -q '^daemon 7.0$'"
echo hi > "$MNT/home/daemon/f"
expect "DELETE the home while it holds data: 403" "$(curl -s -o /dev/null -w '%{http_code}' -u "$AK:$SK" -X DELETE "$URL/v1/users/daemon")" 403
rm -f "$MNT/home/daemon/f"
expect "  ... once empty: 200" "$(curl -s -o /dev/null -w '%{http_code}' -u "$AK:$SK" -X DELETE "$URL/v1/users/daemon")" 200
check "  ... and its directory is gone" test ! -e "$MNT/home/daemon"
