/* space_cephfs.c - the cephfs storage system for spaces: the posix driver (space_posix.h: a
 * directory, members as POSIX ACLs) on a mounted CephFS under cephfs_root, with the quota set as
 * the ceph.quota.max_bytes attribute (enforced by the CephFS client) and the usage read from
 * ceph.dir.rbytes (CephFS keeps it for every directory: no walk). */
#include "space_posix.h"
#include "../util/err.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

static int set_quota(svc_t *s, const struct meta_space *sp, char *err, size_t cap) {
  char path[4096], v[32];
  if (space_posix_path(s, sp, path, sizeof path)) { snprintf(err, cap, "cephfs_root is not set"); return CAIRN_EINVAL; }
  int n = snprintf(v, sizeof v, "%llu", (unsigned long long)sp->quota_bytes);
  if (setxattr(path, "ceph.quota.max_bytes", v, (size_t)n, 0)) {
    snprintf(err, cap, "cannot set ceph.quota.max_bytes on %s: %s", path, strerror(errno));
    return CAIRN_EIO;
  }
  return 0;
}

static int usage(svc_t *s, const struct meta_space *sp, uint64_t *used, uint64_t *logical) {
  char path[4096], v[32];
  if (space_posix_path(s, sp, path, sizeof path)) return CAIRN_EINVAL;
  ssize_t n = getxattr(path, "ceph.dir.rbytes", v, sizeof v - 1);
  if (n <= 0) return CAIRN_EIO;
  v[n] = 0;
  *used = *logical = strtoull(v, NULL, 10);   /* CephFS reports logical bytes */
  return 0;
}

const struct space_driver space_cephfs = {"cephfs", space_posix_create, set_quota, space_posix_set_member, usage, space_posix_remove};
