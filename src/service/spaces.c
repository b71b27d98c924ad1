/* spaces.c - project and home spaces (spaces.h): the filer-gateway's requests checked, turned
 * into "space" tasks and carried out by the space's storage system driver (space_driver.h); the
 * space rows and members in the metadata; the usage of walked systems measured again every
 * projects_refresh (a "space-usage" task). */
#include "spaces.h"
#include "buckets.h"
#include "space_driver.h"
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

const struct space_driver *space_driver(svc_t *s, const char *system) {
  if (!system) return NULL;
  if (!strcmp(system, "cairn")) return &space_cairn;
  if (!strcmp(system, "posix") && s->cfg->posix_root && *s->cfg->posix_root) return &space_posix;
  if (!strcmp(system, "cephfs") && s->cfg->cephfs_root && *s->cfg->cephfs_root) return &space_cephfs;
  return NULL;
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

struct role_find { const char *user; char *role; };
static int find_role(void *ctx, const struct meta_member *mb) {
  struct role_find *f = ctx;
  if (!strcmp(mb->user, f->user)) snprintf(f->role, 16, "%s", mb->role);
  return 0;
}

void svc_space_role(svc_t *s, const char *kind, const char *id, const char *user, char role[16]) {
  struct role_find f = {user, role};
  *role = 0;
  meta_space_members(s->meta, kind, id, 0, find_role, &f);
}

/* Admins, or (changes to a project) its managers. */
static int may_change(svc_t *s, const struct principal *p, const char *kind, const char *id) {
  if (p->kind == PRINCIPAL_ADMIN) return 0;
  if (p->kind == PRINCIPAL_ANONYMOUS || strcmp(kind, SPACE_PROJECT)) return CAIRN_EAUTH;
  char role[16];
  svc_space_role(s, kind, id, p->name, role);
  return !strcmp(role, "manager") ? 0 : CAIRN_EAUTH;
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
  if (system && !space_driver(s, system)) {
    *why = "unknown storage system (the server offers cairn, and posix or cephfs when posix_root or cephfs_root is set)";
    return CAIRN_EINVAL;
  }
  if (!create && system && strcmp(system, cur.system)) { *why = "a space cannot move to another storage system"; return CAIRN_EINVAL; }
  if ((*why = check_members(members))) return CAIRN_EINVAL;
  char bucket[64];
  space_bucket_name(kind, id, bucket);
  const char *sys = create ? system : cur.system;
  if (!strcmp(sys, "cairn") && create && !svc_bucket_name_ok(bucket)) { *why = "the id is not a valid bucket name (3-63 of a-z, 0-9, '.', '-')"; return CAIRN_EINVAL; }
  if (strcmp(sys, "cairn") && (!*id || strchr(id, '/') || !strcmp(id, ".") || !strcmp(id, ".."))) { *why = "invalid id"; return CAIRN_EINVAL; }
  if (!create && !q && !json_array_size(members)) return CAIRN_ENOENT;   /* nothing to change: 204 */
  json_t *pl = json_pack("{s:s,s:s,s:b,s:s}", "kind", kind, "id", id, "create", create, "system", create ? system : cur.system);
  if (q) json_object_set_new(pl, "quota_bytes", qb ? json_integer(json_integer_value(qb)) : json_integer(json_integer_value(q) * (json_int_t)GIB));
  if (members) json_object_set(pl, "members", (json_t *)members);
  if (json_is_true(json_object_get(body, "recursion"))) json_object_set_new(pl, "recursion", json_true());
  int coalesced = 0;
  rc = tasks_submit(s->tasks, "space", p->name ? p->name : "", pl, NULL, 0, task_id, &coalesced);
  json_decref(pl);
  return rc;
}

static int readable(svc_t *s, const struct principal *p) {
  return p->kind != PRINCIPAL_ANONYMOUS || s->cfg->projects_anonymous_read ? 0 : CAIRN_EAUTH;
}

/* ---- the task: carried out by the space's driver ---- */

static int apply_members(svc_t *s, const struct space_driver *d, const struct meta_space *sp, const json_t *members,
                         int recursion, char *err, size_t cap) {
  size_t i;
  json_t *m;
  int rc = 0;
  json_array_foreach(members, i, m) {
    const char *u = json_string_value(json_object_get(m, "userID")), *r = json_string_value(json_object_get(m, "role"));
    if (!u || !r) continue;
    const char *role = strcmp(r, "none") ? r : NULL;
    if ((rc = d->set_member(s, sp, u, role, recursion, err, cap))) break;
    if ((rc = meta_space_member_set(s->meta, sp->kind, sp->id, u, role))) break;
  }
  return rc;
}

/* A walked system's usage, measured now into the space row. */
static void measure(svc_t *s, const struct space_driver *d, const struct meta_space *sp) {
  uint64_t used = 0, logical = 0;
  if (d->usage && !d->usage(s, sp, &used, &logical)) meta_space_usage_set(s->meta, sp->kind, sp->id, used, logical);
}

static int space_task(void *ctx, struct task_run *run, const json_t *pl, json_t **result) {
  svc_t *s = ctx;
  const char *kind = json_string_value(json_object_get(pl, "kind")), *id = json_string_value(json_object_get(pl, "id"));
  const char *system = json_string_value(json_object_get(pl, "system"));
  int create = json_is_true(json_object_get(pl, "create")), recursion = json_is_true(json_object_get(pl, "recursion"));
  json_t *q = json_object_get(pl, "quota_bytes");
  const struct space_driver *d = space_driver(s, system);
  if (!kind || !id || !d) return task_fail(run, 1, "unknown storage system", NULL);
  struct meta_space sp = {0}, cur;
  int exists = !meta_space_get(s->meta, kind, id, &cur);
  if (exists) sp = cur;
  snprintf(sp.kind, sizeof sp.kind, "%s", kind);
  snprintf(sp.id, sizeof sp.id, "%s", id);
  snprintf(sp.system, sizeof sp.system, "%s", system);
  if (!strcmp(system, "cairn")) space_bucket_name(kind, id, sp.bucket);
  if (!exists) sp.created_ms = time_now_ms();
  if (q) sp.quota_bytes = (uint64_t)json_integer_value(q);
  char err[512] = "";
  int rc = 0, enforced = 1;
  task_progress(run, 0, 4, "space");
  if (create) rc = d->create(s, &sp, err, sizeof err);
  if (!rc && (create || q)) rc = meta_space_put(s->meta, &sp);
  task_progress(run, 1, 4, "quota");
  if (!rc && (create || q)) {
    rc = d->set_quota(s, &sp, err, sizeof err);
    if (rc == CAIRN_ENOTIMPL) { rc = 0; enforced = 0; }   /* recorded; this filesystem has no quota the driver knows */
  }
  task_progress(run, 2, 4, "members");
  if (!rc && create && !strcmp(kind, SPACE_HOME)) {   /* the home's user manages it */
    json_t *me = json_pack("[{s:s,s:s}]", "userID", id, "role", "manager");
    rc = apply_members(s, d, &sp, me, 0, err, sizeof err);
    json_decref(me);
  }
  if (!rc) rc = apply_members(s, d, &sp, json_object_get(pl, "members"), recursion, err, sizeof err);
  task_progress(run, 3, 4, "usage");
  if (!rc) measure(s, d, &sp);
  if (rc) return task_fail(run, 1, *err ? err : cairn_strerror(rc), NULL);
  *result = json_pack("{s:s,s:s,s:b}", "space", id, "system", system, "quotaEnforced", enforced);
  return 0;
}

/* Every walked space measured again (projects_refresh). */
struct refresh { svc_t *s; int n; };
static int refresh_one(void *ctx, const struct meta_space *sp) {
  struct refresh *r = ctx;
  const struct space_driver *d = space_driver(r->s, sp->system);
  if (d && d->usage) { measure(r->s, d, sp); r->n++; }
  return 0;
}

static int usage_task(void *ctx, struct task_run *run, const json_t *pl, json_t **result) {
  (void)run; (void)pl;
  struct refresh r = {ctx, 0};
  meta_space_list(r.s->meta, SPACE_PROJECT, refresh_one, &r);
  meta_space_list(r.s->meta, SPACE_HOME, refresh_one, &r);
  *result = json_pack("{s:i}", "measured", r.n);
  return 0;
}

void spaces_refresh(svc_t *s) {
  char id[33];
  int coalesced;
  if (tasks_submit(s->tasks, "space-usage", "", NULL, "space-usage", 0, id, &coalesced)) LOGW("cannot queue a space-usage task");
}

static struct task_kind k_usage = {"space-usage", usage_task, NULL, 2, 5000};

static int sample_task(void *ctx, struct task_run *run, const json_t *pl, json_t **result) {
  (void)run; (void)pl;
  svc_t *s = ctx;
  int64_t now = time_now_ms();
  int rc = meta_space_sample(s->meta, now, now - s->cfg->usage_retention_ms);
  if (!rc) *result = json_pack("{s:I}", "at", (json_int_t)now);
  return rc;
}

static struct task_kind k_sample = {"space-sample", sample_task, NULL, 2, 5000};

static int add_sample(void *ctx, const struct meta_space *sp) {
  char at[40];
  time_format_iso8601_ms(sp->created_ms, at, sizeof at);
  json_array_append_new(ctx, json_pack("{s:s,s:I,s:I,s:I}", "at", at, "usageMb", (json_int_t)(sp->used_bytes / MIB),
                                       "usageBytes", (json_int_t)sp->used_bytes, "usageLogicalBytes", (json_int_t)sp->logical_bytes));
  return 0;
}

int svc_space_usage_history(svc_t *s, const struct principal *p, const char *kind, const char *id, int64_t since_ms, json_t **out) {
  int rc = readable(s, p);
  struct meta_space sp;
  if (!rc) rc = meta_space_get(s->meta, kind, id, &sp);
  if (rc) return rc;
  json_t *arr = json_array();
  rc = meta_space_samples(s->meta, kind, id, since_ms, add_sample, arr);
  if (rc) { json_decref(arr); return rc; }
  *out = json_pack("{s:s,s:o}", !strcmp(kind, SPACE_PROJECT) ? "projectID" : "userID", id, "samples", arr);
  return 0;
}

static struct task_kind k_space = {"space", space_task, NULL, 3, 1000};

void spaces_register(svc_t *s) {
  k_space.ctx = k_usage.ctx = k_sample.ctx = s;
  tasks_register(s->tasks, &k_space);
  tasks_register(s->tasks, &k_usage);
  tasks_register(s->tasks, &k_sample);
}

/* ---- reads ---- */


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

int svc_space_delete(svc_t *s, const struct principal *p, const char *kind, const char *id) {
  if (p->kind != PRINCIPAL_ADMIN) return CAIRN_EAUTH;
  struct meta_space sp;
  int rc = meta_space_get(s->meta, kind, id, &sp);
  if (rc) return rc;
  const struct space_driver *d = space_driver(s, sp.system);
  char err[512];
  if (!d) return CAIRN_EINVAL;
  if ((rc = d->remove(s, &sp, err, sizeof err))) {
    if (rc != CAIRN_ECONFLICT) LOGW("space %s/%s: %s", kind, id, err);
    return rc;
  }
  return meta_space_delete(s->meta, kind, id);
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
