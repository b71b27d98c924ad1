/* space_posix.c - the posix storage system for spaces: a directory under posix_root
 * (projects/<id>, home/<user>) on a mounted filesystem. Members become POSIX ACL entries of the
 * system user of the same name (manager and contributor rwx, viewer r-x), as access and default
 * ACLs, on the directory and, with recursion, on everything under it; the directories between
 * posix_root and the space get a traverse entry (--x) so members can reach it. Usage is measured
 * by a walk. The quota is set with the filesystem's own mechanism where the driver knows it (XFS
 * project quotas through xfs_quota); elsewhere it is recorded, not enforced, and the task's result
 * says so. A home belongs to its user (mode 0700). space_cephfs.c is this driver with CephFS's
 * quota and usage attributes. */
#include "space_posix.h"
#include "spaces.h"
#include "svc_internal.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/log.h"
#include <errno.h>
#include <ftw.h>
#include <pwd.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <acl/libacl.h>
#include <sys/acl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#define XFS_MAGIC 0x58465342

extern char **environ;

const char *space_posix_root(svc_t *s, const struct meta_space *sp) {
  return !strcmp(sp->system, "cephfs") ? s->cfg->cephfs_root : s->cfg->posix_root;
}

int space_posix_path(svc_t *s, const struct meta_space *sp, char *out, size_t cap) {
  const char *root = space_posix_root(s, sp);
  if (!root || !*root) return CAIRN_EINVAL;
  int n = snprintf(out, cap, "%s/%s/%s", root, !strcmp(sp->kind, SPACE_HOME) ? "home" : "projects", sp->id);
  return n > 0 && (size_t)n < cap ? 0 : CAIRN_EINVAL;
}

/* Sets (perms >= 0) or removes (perms < 0) uid's entry in the access and (directories) default
 * ACLs of path. perms: bits of ACL_READ | ACL_WRITE | ACL_EXECUTE. */
static int acl_user(const char *path, uid_t uid, int perms, int is_dir) {
  acl_type_t types[2] = {ACL_TYPE_ACCESS, ACL_TYPE_DEFAULT};
  for (int t = 0; t < (is_dir ? 2 : 1); t++) {
    acl_t acl = acl_get_file(path, types[t]);
    if (!acl) return CAIRN_EIO;
    if (t == 1 && acl_entries(acl) == 0) {   /* an empty default ACL needs the base entries first */
      acl_free(acl);
      acl = acl_get_file(path, ACL_TYPE_ACCESS);
      if (!acl) return CAIRN_EIO;
    }
    acl_entry_t e;
    int found = 0;
    for (int w = ACL_FIRST_ENTRY; acl_get_entry(acl, w, &e) == 1; w = ACL_NEXT_ENTRY) {
      acl_tag_t tag;
      acl_get_tag_type(e, &tag);
      if (tag != ACL_USER) continue;
      uid_t *q = acl_get_qualifier(e);
      int same = q && *q == uid;
      acl_free(q);
      if (!same) continue;
      found = 1;
      if (perms < 0) { acl_delete_entry(acl, e); break; }
      acl_permset_t ps;
      acl_get_permset(e, &ps);
      acl_clear_perms(ps);
      if (perms & ACL_READ) acl_add_perm(ps, ACL_READ);
      if (perms & ACL_WRITE) acl_add_perm(ps, ACL_WRITE);
      if (perms & ACL_EXECUTE) acl_add_perm(ps, ACL_EXECUTE);
      break;
    }
    if (!found && perms >= 0) {
      acl_permset_t ps;
      if (acl_create_entry(&acl, &e) || acl_set_tag_type(e, ACL_USER) || acl_set_qualifier(e, &uid)) { acl_free(acl); return CAIRN_EIO; }
      acl_get_permset(e, &ps);
      acl_clear_perms(ps);
      if (perms & ACL_READ) acl_add_perm(ps, ACL_READ);
      if (perms & ACL_WRITE) acl_add_perm(ps, ACL_WRITE);
      if (perms & ACL_EXECUTE) acl_add_perm(ps, ACL_EXECUTE);
    }
    int rc = acl_calc_mask(&acl) || acl_set_file(path, types[t], acl) ? CAIRN_EIO : 0;
    acl_free(acl);
    if (rc) return rc;
  }
  return 0;
}

/* Runs a command (no shell); 0 when it exits 0. */
static int run(char *const argv[]) {
  pid_t pid;
  if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ)) return CAIRN_EIO;
  int st;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
  return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : CAIRN_EIO;
}

int space_posix_create(svc_t *s, const struct meta_space *sp, char *err, size_t cap) {
  char path[4096], parent[4096];
  int rc = space_posix_path(s, sp, path, sizeof path);
  if (rc) { snprintf(err, cap, "posix_root is not set"); return rc; }
  snprintf(parent, sizeof parent, "%s/%s", space_posix_root(s, sp), !strcmp(sp->kind, SPACE_HOME) ? "home" : "projects");
  if (mkdir(parent, 0755) && errno != EEXIST) { snprintf(err, cap, "cannot create %s: %s", parent, strerror(errno)); return CAIRN_EIO; }
  int home = !strcmp(sp->kind, SPACE_HOME);
  if (mkdir(path, home ? 0700 : 02770) && errno != EEXIST) { snprintf(err, cap, "cannot create %s: %s", path, strerror(errno)); return CAIRN_EIO; }
  if (home) {
    struct passwd *pw = getpwnam(sp->id);
    if (!pw) { snprintf(err, cap, "no system user %s to own the home", sp->id); return CAIRN_EINVAL; }
    if (chown(path, pw->pw_uid, pw->pw_gid)) { snprintf(err, cap, "cannot chown %s: %s", path, strerror(errno)); return CAIRN_EIO; }
  } else {
    chmod(path, 02770);   /* setgid: new files keep the project's group */
  }
  return 0;
}

/* The mount point holding path (the longest matching one in /proc/self/mountinfo). */
static int mount_of(const char *path, char *out, size_t cap) {
  FILE *f = fopen("/proc/self/mountinfo", "r");
  if (!f) return CAIRN_EIO;
  char line[4096], mnt[4096];
  size_t best = 0;
  while (fgets(line, sizeof line, f)) {
    if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1) continue;
    size_t n = strlen(mnt);
    if (!strncmp(path, mnt, n) && (path[n] == '/' || !path[n] || n == 1) && n > best) {
      best = n;
      snprintf(out, cap, "%s", mnt);
    }
  }
  fclose(f);
  return best ? 0 : CAIRN_ENOENT;
}

/* A stable XFS project id for a space (never 0). */
static unsigned project_id(const struct meta_space *sp) {
  unsigned h = 2166136261u;
  for (const char *p = sp->kind; *p; p++) h = (h ^ (unsigned char)*p) * 16777619u;
  for (const char *p = sp->id; *p; p++) h = (h ^ (unsigned char)*p) * 16777619u;
  return (h & 0x7fffffff) | 1;
}

static int set_quota(svc_t *s, const struct meta_space *sp, char *err, size_t cap) {
  char path[4096], mnt[4096], cmd[4200];
  struct statfs fs;
  if (space_posix_path(s, sp, path, sizeof path) || statfs(path, &fs)) { snprintf(err, cap, "the space's directory is missing"); return CAIRN_EIO; }
  if (fs.f_type != XFS_MAGIC || mount_of(path, mnt, sizeof mnt)) return CAIRN_ENOTIMPL;   /* recorded only */
  unsigned id = project_id(sp);
  snprintf(cmd, sizeof cmd, "project -s -p %s %u", path, id);
  char *a1[] = {"xfs_quota", "-x", "-c", cmd, mnt, NULL};
  if (run(a1)) return CAIRN_ENOTIMPL;   /* no project quota on this mount (prjquota) or kernel */
  snprintf(cmd, sizeof cmd, "limit -p bhard=%llu %u", (unsigned long long)sp->quota_bytes, id);
  char *a2[] = {"xfs_quota", "-x", "-c", cmd, mnt, NULL};
  if (run(a2)) return CAIRN_ENOTIMPL;   /* quota accounting off on this mount: recorded only */
  return 0;
}

/* ---- members ---- */

struct walk_acl { uid_t uid; int perms; int rc; };
static __thread struct walk_acl *walk_ctx;   /* nftw has no context argument */

static int walk_one(const char *p, const struct stat *st, int type, struct FTW *f) {
  (void)f;
  if (type == FTW_SL || type == FTW_SLN) return 0;   /* links keep theirs */
  int rc = acl_user(p, walk_ctx->uid, walk_ctx->perms, S_ISDIR(st->st_mode));
  if (rc) walk_ctx->rc = rc;
  return 0;
}

int space_posix_set_member(svc_t *s, const struct meta_space *sp, const char *user, const char *role, int recursion,
                      char *err, size_t cap) {
  char path[4096];
  if (space_posix_path(s, sp, path, sizeof path)) { snprintf(err, cap, "posix_root is not set"); return CAIRN_EINVAL; }
  struct passwd *pw = getpwnam(user);
  if (!pw) { snprintf(err, cap, "no system user %s", user); return CAIRN_EINVAL; }
  uid_t uid = pw->pw_uid;
  int perms = !role ? -1 : !strcmp(role, "viewer") ? (ACL_READ | ACL_EXECUTE) : (ACL_READ | ACL_WRITE | ACL_EXECUTE);
  int rc = acl_user(path, uid, perms, 1);
  if (!rc && recursion) {
    struct walk_acl w = {uid, perms, 0};
    walk_ctx = &w;
    nftw(path, walk_one, 32, FTW_PHYS);
    rc = w.rc;
  }
  if (!rc && role) {   /* traverse on the way down from posix_root */
    char parent[4096];
    snprintf(parent, sizeof parent, "%s/%s", space_posix_root(s, sp), !strcmp(sp->kind, SPACE_HOME) ? "home" : "projects");
    rc = acl_user(parent, uid, ACL_EXECUTE, 0);
  }
  if (rc) snprintf(err, cap, "cannot set the ACL of %s for %s", path, user);
  return rc;
}

/* ---- usage ---- */

struct walk_usage { uint64_t used, logical; };
static __thread struct walk_usage *usage_ctx;

static int usage_one(const char *p, const struct stat *st, int type, struct FTW *f) {
  (void)p; (void)f;
  if (type == FTW_F) { usage_ctx->used += (uint64_t)st->st_blocks * 512; usage_ctx->logical += (uint64_t)st->st_size; }
  return 0;
}

static int usage(svc_t *s, const struct meta_space *sp, uint64_t *used, uint64_t *logical) {
  char path[4096];
  if (space_posix_path(s, sp, path, sizeof path)) return CAIRN_EINVAL;
  struct walk_usage u = {0, 0};
  usage_ctx = &u;
  if (nftw(path, usage_one, 32, FTW_PHYS)) return CAIRN_EIO;
  *used = u.used;
  *logical = u.logical;
  return 0;
}

int space_posix_remove(svc_t *s, const struct meta_space *sp, char *err, size_t cap) {
  char path[4096];
  if (space_posix_path(s, sp, path, sizeof path)) { snprintf(err, cap, "posix_root is not set"); return CAIRN_EINVAL; }
  if (rmdir(path) == 0 || errno == ENOENT) return 0;
  if (errno == ENOTEMPTY || errno == EEXIST) return CAIRN_ECONFLICT;
  snprintf(err, cap, "cannot remove %s: %s", path, strerror(errno));
  return CAIRN_EIO;
}

const struct space_driver space_posix = {"posix", space_posix_create, set_quota, space_posix_set_member, usage, space_posix_remove};
