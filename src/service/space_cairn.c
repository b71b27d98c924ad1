/* space_cairn.c - the cairn storage system for spaces: a bucket in cairn's own store (the project
 * id, or home-<user>) that no user owns; members are grants (manager: read, write and the bucket's
 * ACL; contributor: read and write; viewer: read); the quota is kept with the space row, and the
 * metadata layer enforces it and keeps the usage in every object write (meta_sqlite_spaces.c). */
#include "space_driver.h"
#include "buckets.h"
#include "spaces.h"
#include "svc_internal.h"
#include "../util/err.h"
#include "../util/timeutil.h"
#include <stdio.h>
#include <string.h>

static const struct principal server_p = {PRINCIPAL_ADMIN, "", NULL};

void space_bucket_name(const char *kind, const char *id, char out[64]) {
  if (!strcmp(kind, SPACE_HOME)) snprintf(out, 64, "home-%s", id);
  else snprintf(out, 64, "%s", id);
}

static const char *perms_of(const char *role) {
  if (!strcmp(role, "manager")) return "READ,WRITE,READ_ACP,WRITE_ACP";
  if (!strcmp(role, "contributor")) return "READ,WRITE";
  return "READ";   /* viewer */
}

static int create(svc_t *s, const struct meta_space *sp, char *err, size_t cap) {
  struct meta_bucket b = {0};
  snprintf(b.name, sizeof b.name, "%s", sp->bucket);
  b.created_ms = time_now_ms();   /* owner "": the space's, reached through its members' grants */
  int rc = meta_bucket_create(s->meta, &b);
  if (rc == CAIRN_EBUCKETEXISTS) rc = 0;   /* a space over a bucket that exists: its bytes count */
  if (rc) snprintf(err, cap, "cannot create bucket %s: %s", sp->bucket, cairn_strerror(rc));
  return rc;
}

static int set_quota(svc_t *s, const struct meta_space *sp, char *err, size_t cap) {
  (void)s; (void)sp; (void)err; (void)cap;
  return 0;   /* the space row holds it; meta_sqlite_spaces.c enforces it */
}

static int set_member(svc_t *s, const struct meta_space *sp, const char *user, const char *role, int recursion,
                      char *err, size_t cap) {
  (void)recursion;   /* grants cover the whole bucket */
  int rc = svc_bucket_grant(s, &server_p, sp->bucket, user, role ? perms_of(role) : "");
  if (rc) snprintf(err, cap, "cannot grant %s on %s: %s", user, sp->bucket, cairn_strerror(rc));
  return rc;
}

static int remove_space(svc_t *s, const struct meta_space *sp, char *err, size_t cap) {
  if (sp->logical_bytes || sp->used_bytes) return CAIRN_ECONFLICT;
  int rc = meta_bucket_delete(s->meta, sp->bucket);
  if (rc == CAIRN_EBUCKETNOTEMPTY) return CAIRN_ECONFLICT;
  if (rc == CAIRN_ENOSUCHBUCKET) rc = 0;
  if (rc) snprintf(err, cap, "cannot delete bucket %s: %s", sp->bucket, cairn_strerror(rc));
  return rc;
}

const struct space_driver space_cairn = {"cairn", create, set_quota, set_member, NULL, remove_space};
