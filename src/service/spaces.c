/* spaces.c - project and home spaces (spaces.h): the filer-gateway's requests checked, turned
 * into "space" tasks, and carried out on the cairn storage system: the space's bucket (the project
 * id, or home-<user>) owned by no user (admins only), each member a grant (manager: read, write and
 * the bucket's ACL; contributor: read and write; viewer: read), the quota kept with the space row
 * and enforced by the metadata layer on every write (meta_sqlite_spaces.c). */
#include "spaces.h"
#include "buckets.h"
#include "svc_internal.h"
#include "task_ops.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/timeutil.h"
#include <stdio.h>
#include <string.h>

#define GIB (1024ull * 1024 * 1024)
#define MIB (1024ull * 1024)

static const struct principal server_p = {PRINCIPAL_ADMIN, "", NULL};

static const char *perms_of(const char *role) {
  if (!strcmp(role, "manager")) return "READ,WRITE,READ_ACP,WRITE_ACP";
  if (!strcmp(role, "contributor")) return "READ,WRITE";
  if (!strcmp(role, "viewer") || !strcmp(role, "traverse")) return "READ";
  return "";
}

static void bucket_of(const char *kind, const char *id, char out[64]) {
  if (!strcmp(kind, SPACE_HOME)) snprintf(out, 64, "home-%s", id);
  else snprintf(out, 64, "%s", id);
}

static const char *check_members(const json_t *members) {
  size_t i;
  json_t *m;
  if (!members) return NULL;
  if (!json_is_array(members)) return "members must be an array of {\"userID\", \"role\"}";
  json_array_foreach(members, i, m) {
    const char *u = json_string_value(json_object_get(m, "userID")), *r = json_string_value(json_object_get(m, "role"));
    if (!u || !r || !*u || strlen(u) > 64) return "members must be an array of {\"userID\", \"role\"}";
    if (!strcmp(r, "traverse")) return "invalid member role for set: traverse";
    if (strcmp(r, "manager") && strcmp(r, "contributor") && strcmp(r, "viewer") && strcmp(r, "none"))
      return "invalid member role: manager, contributor, viewer or none";
  }
  return NULL;
}

struct role_find { const char *user; char role[16]; };
static int find_role(void *ctx, const struct meta_member *mb) {
  struct role_find *f = ctx;
  if (!strcmp(mb->user, f->user)) snprintf(f->role, sizeof f->role, "%s", mb->role);
  return 0;
}

/* Admins, or (changes to a project) its managers. */
static int may_change(svc_t *s, const struct principal *p, const char *kind, const char *id) {
  if (p->kind == PRINCIPAL_ADMIN) return 0;
  if (p->kind == PRINCIPAL_ANONYMOUS || strcmp(kind, SPACE_PROJECT)) return CAIRN_EAUTH;
  struct role_find f = {p->name, ""};
  meta_space_members(s->meta, kind, id, 0, find_role, &f);
  return !strcmp(f.role, "manager") ? 0 : CAIRN_EAUTH;
}

int svc_space_submit(svc_t *s, const struct principal *p, const char *kind, const char *id, int create,
                     const json_t *body, char task_id[33], const char **why) {
  *why = NULL;
  struct meta_space cur;
  int exists = !meta_space_get(s->meta, kind, id, &cur);
  int rc = create ? (p->kind == PRINCIPAL_ADMIN ? 0 : CAIRN_EAUTH) : may_change(s, p, kind, id);
  if (rc) return rc;
  if (!create && !exists) { *why = !strcmp(kind, SPACE_PROJECT) ? "project not found" : "user not found"; return CAIRN_ENOENT; }
  if (create && exists) { *why = "the space exists already"; return CAIRN_EEXIST; }
  const json_t *storage = json_object_get(body, "storage"), *members = json_object_get(body, "members");
  const char *system = json_string_value(json_object_get(storage, "system"));
  json_t *q = json_object_get(storage, "quotaGb"), *qb = json_object_get(storage, "quotaBytes");   /* cairn's: exact bytes */
  if (qb && (!json_is_integer(qb) || json_integer_value(qb) < 0)) { *why = "quotaBytes must be a non-negative integer"; return CAIRN_EINVAL; }
  if (qb && !q) q = qb;
  if (storage && !json_is_object(storage)) { *why = "storage must be {\"system\", \"quotaGb\"}"; return CAIRN_EINVAL; }
  if (q && (!json_is_integer(q) || json_integer_value(q) < 0 || json_integer_value(q) > (1 << 30))) {
    *why = "quotaGb must be a non-negative integer";
    return CAIRN_EINVAL;
  }
  if (create && (!system || !q)) { *why = "storage needs a system and a quotaGb"; return CAIRN_EINVAL; }
  if (system && strcmp(system, "cairn")) { *why = "unknown storage system (this server has: cairn)"; return CAIRN_EINVAL; }
  if (!create && system && strcmp(system, cur.system)) { *why = "a space cannot move to another storage system"; return CAIRN_EINVAL; }
  if ((*why = check_members(members))) return CAIRN_EINVAL;
  char bucket[64];
  bucket_of(kind, id, bucket);
  if (create && !svc_bucket_name_ok(bucket)) { *why = "the id is not a valid bucket name (3-63 of a-z, 0-9, '.', '-')"; return CAIRN_EINVAL; }
  if (!create && !q && !json_array_size(members)) return CAIRN_ENOENT;   /* nothing to change: 204 */
  json_t *pl = json_pack("{s:s,s:s,s:b,s:s}", "kind", kind, "id", id, "create", create, "system", create ? system : cur.system);
  if (q) json_object_set_new(pl, "quota_bytes", qb ? json_integer(json_integer_value(qb)) : json_integer(json_integer_value(q) * (json_int_t)GIB));
  if (members) json_object_set(pl, "members", (json_t *)members);
  char key[160];
  snprintf(key, sizeof key, "space:%s:%s", kind, id);
  int coalesced = 0;
  rc = tasks_submit(s->tasks, "space", p->name ? p->name : "", pl, NULL, 0, task_id, &coalesced);
  json_decref(pl);
  (void)key;
  return rc;
}

/* ---- the task: carried out on the cairn system ---- */

static int apply_members(svc_t *s, const char *kind, const char *id, const char *bucket, const json_t *members) {
  size_t i;
  json_t *m;
  int rc = 0;
  json_array_foreach(members, i, m) {
    const char *u = json_string_value(json_object_get(m, "userID")), *r = json_string_value(json_object_get(m, "role"));
    if (!u || !r) continue;
    int none = !strcmp(r, "none");
    if ((rc = svc_bucket_grant(s, &server_p, bucket, u, none ? "" : perms_of(r)))) break;
    if ((rc = meta_space_member_set(s->meta, kind, id, u, none ? NULL : r))) break;
  }
  return rc;
}

static int space_task(void *ctx, struct task_run *run, const json_t *pl, json_t **result) {
  svc_t *s = ctx;
  const char *kind = json_string_value(json_object_get(pl, "kind")), *id = json_string_value(json_object_get(pl, "id"));
  const char *system = json_string_value(json_object_get(pl, "system"));
  int create = json_is_true(json_object_get(pl, "create"));
  json_t *q = json_object_get(pl, "quota_bytes");
  if (!kind || !id || !system) return CAIRN_EINVAL;
  char bucket[64];
  bucket_of(kind, id, bucket);
  task_progress(run, 0, 3, "bucket");
  int rc = 0;
  if (create) {
    struct meta_bucket b = {0};
    snprintf(b.name, sizeof b.name, "%s", bucket);
    b.created_ms = time_now_ms();   /* owner "": the space's, reached through its members' grants */
    rc = meta_bucket_create(s->meta, &b);
    if (rc == CAIRN_EBUCKETEXISTS) rc = 0;   /* a space over a bucket that exists: its bytes count */
  }
  struct meta_space sp = {0};
  snprintf(sp.kind, sizeof sp.kind, "%s", kind);
  snprintf(sp.id, sizeof sp.id, "%s", id);
  snprintf(sp.system, sizeof sp.system, "%s", system);
  snprintf(sp.bucket, sizeof sp.bucket, "%s", bucket);
  sp.created_ms = time_now_ms();
  if (!rc && (create || q)) {
    struct meta_space cur;
    sp.quota_bytes = q ? (uint64_t)json_integer_value(q) : (!meta_space_get(s->meta, kind, id, &cur) ? cur.quota_bytes : 0);
    task_progress(run, 1, 3, "quota");
    rc = meta_space_put(s->meta, &sp);
  }
  if (!rc && create && !strcmp(kind, SPACE_HOME)) {   /* the home's user manages it */
    json_t *me = json_pack("[{s:s,s:s}]", "userID", id, "role", "manager");
    rc = apply_members(s, kind, id, bucket, me);
    json_decref(me);
  }
  task_progress(run, 2, 3, "members");
  if (!rc) rc = apply_members(s, kind, id, bucket, json_object_get(pl, "members"));
  if (rc) { task_fail(run, 1, rc == CAIRN_EINVAL ? "invalid request" : cairn_strerror(rc), NULL); return rc; }
  *result = json_pack("{s:s,s:s}", "space", id, "bucket", bucket);
  return 0;
}

static struct task_kind k_space = {"space", space_task, NULL, 3, 1000};

void spaces_register(svc_t *s) {
  k_space.ctx = s;
  tasks_register(s->tasks, &k_space);
}

/* ---- reads ---- */

static int readable(svc_t *s, const struct principal *p) {
  return p->kind != PRINCIPAL_ANONYMOUS || s->cfg->projects_anonymous_read ? 0 : CAIRN_EAUTH;
}

static int add_member(void *ctx, const struct meta_member *mb) {
  json_array_append_new(ctx, json_pack("{s:s,s:s}", "userID", mb->user, "role", mb->role));
  return 0;
}

static json_t *storage_json(const struct meta_space *sp) {
  return json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I}", "system", sp->system, "quotaGb", (json_int_t)(sp->quota_bytes / GIB),
                   "usageMb", (json_int_t)(sp->used_bytes / MIB), "usageLogicalMb", (json_int_t)(sp->logical_bytes / MIB),
                   "quotaBytes", (json_int_t)sp->quota_bytes, "usageBytes", (json_int_t)sp->used_bytes,
                   "usageLogicalBytes", (json_int_t)sp->logical_bytes);
}

static json_t *space_json(svc_t *s, const struct meta_space *sp) {
  json_t *members = json_array();
  meta_space_members(s->meta, sp->kind, sp->id, 0, add_member, members);
  int project = !strcmp(sp->kind, SPACE_PROJECT);
  return json_pack("{s:s,s:o,s:o,s:s}", project ? "projectID" : "userID", sp->id, "storage", storage_json(sp),
                   "members", members, "bucket", sp->bucket);
}

int svc_space_get(svc_t *s, const struct principal *p, const char *kind, const char *id, json_t **out) {
  int rc = readable(s, p);
  struct meta_space sp;
  if (!rc) rc = meta_space_get(s->meta, kind, id, &sp);
  if (!rc) *out = space_json(s, &sp);
  return rc;
}

struct list_ctx { svc_t *s; json_t *arr; };
static int add_space(void *ctx, const struct meta_space *sp) {
  struct list_ctx *l = ctx;
  json_array_append_new(l->arr, space_json(l->s, sp));
  return 0;
}

int svc_space_list(svc_t *s, const struct principal *p, const char *kind, json_t **out) {
  int rc = readable(s, p);
  if (rc) return rc;
  struct list_ctx l = {s, json_array()};
  rc = meta_space_list(s->meta, kind, add_space, &l);
  if (rc) { json_decref(l.arr); return rc; }
  *out = json_pack("{s:o}", !strcmp(kind, SPACE_PROJECT) ? "projects" : "users", l.arr);
  return 0;
}

static int add_membership(void *ctx, const struct meta_member *mb) {
  if (!strcmp(mb->kind, SPACE_PROJECT)) json_array_append_new(ctx, json_pack("{s:s,s:s}", "projectID", mb->id, "role", mb->role));
  return 0;
}

int svc_space_user(svc_t *s, const struct principal *p, const char *user, json_t **out) {
  int rc = readable(s, p);
  if (rc) return rc;
  json_t *of = json_array();
  meta_space_members(s->meta, "", user, 1, add_membership, of);
  struct meta_space sp;
  json_t *storage = !meta_space_get(s->meta, SPACE_HOME, user, &sp) ? storage_json(&sp)
                    : json_pack("{s:s,s:i,s:i}", "system", "none", "quotaGb", 0, "usageMb", 0);
  *out = json_pack("{s:s,s:o,s:o}", "userID", user, "memberOf", of, "storage", storage);
  return 0;
}

int svc_space_home_delete(svc_t *s, const struct principal *p, const char *user) {
  if (p->kind != PRINCIPAL_ADMIN) return CAIRN_EAUTH;
  struct meta_space sp;
  int rc = meta_space_get(s->meta, SPACE_HOME, user, &sp);
  if (rc) return rc;
  if (sp.logical_bytes || sp.used_bytes) return CAIRN_ECONFLICT;
  rc = meta_bucket_delete(s->meta, sp.bucket);
  if (rc == CAIRN_EBUCKETNOTEMPTY) return CAIRN_ECONFLICT;
  if (rc && rc != CAIRN_ENOSUCHBUCKET) return rc;
  return meta_space_delete(s->meta, SPACE_HOME, user);
}

int svc_space_task(svc_t *s, const struct principal *p, const char *kind, const char *task_id, json_t **out) {
  (void)kind;
  struct meta_task t;
  int rc = meta_task_get(s->meta, task_id, &t);
  if (rc) return rc;
  if (strcmp(t.kind, "space") || (p->kind != PRINCIPAL_ADMIN && strcmp(t.owner, p->name ? p->name : ""))) {
    meta_task_clear(&t);
    return CAIRN_ENOENT;
  }
  const char *st = !strcmp(t.state, "queued") ? "waiting" : !strcmp(t.state, "running") ? "processing" : t.state;
  json_t *res = t.result ? json_loads(t.result, 0, NULL) : NULL;
  *out = json_pack("{s:s,s:{s:s,s:s,s:o}}", "taskID", t.id, "taskStatus", "status", st, "error", t.error ? t.error : "",
                   "result", res ? res : json_string(""));
  meta_task_clear(&t);
  return 0;
}
