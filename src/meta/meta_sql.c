/* meta_sql.c - the metadata backend in SQL, one implementation over sqldb.h for both databases:
 * SQLite (the embedded default: one file in WAL mode, synchronous=FULL so a committed change
 * survives power loss) and PostgreSQL (many nodes over one database; migrations under an advisory
 * lock). Users, buckets, objects, multipart uploads here; the rest in meta_sql_*.c. */
#include "meta_sql.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/log.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

int msql_err(struct msql *m, const char *what) {
  LOGE("%s %s: %s", m->pg ? "postgres" : "sqlite", what, sqldb_errmsg(m->db));
  return CAIRN_EDB;
}

int msql_prepare_cached(struct msql *m, const char *sql, sqlst **st) {
  return sqldb_prepare_cached(m->db, sql, st) ? msql_err(m, "prepare") : 0;
}

void msql_release(sqlst *st) { sqldb_release(st); }

int msql_exec(struct msql *m, const char *sql) {
  if (sqldb_exec(m->db, sql)) {
    LOGE("%s: %s: %s", m->pg ? "postgres" : "sqlite", sqldb_errmsg(m->db), sql);
    return CAIRN_EDB;
  }
  return 0;
}

static int s_schema_version(void *impl) {
  struct msql *m = impl;
  sqlst *st;
  int v = 0;
  if (sqldb_prepare(m->db, "SELECT COALESCE(MAX(version),0) FROM schema_migrations", &st))
    return 0;
  if (sql_step(st) == SQLDB_ROW) v = sql_column_int(st, 0);
  sqldb_finalize(st);
  return v;
}

static int migrate(struct msql *m) {
  int rc = msql_exec(m, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
                   " applied_ms BIGINT NOT NULL)");
  if (rc) return rc;
  int have = s_schema_version(m);
  for (int i = 0; i < meta_nmigrations; i++) {
    if (meta_migrations[i].version <= have) continue;
    char ins[128];
    snprintf(ins, sizeof ins, "INSERT INTO schema_migrations VALUES (%d, %lld)", meta_migrations[i].version,
             (long long)time(NULL) * 1000);
    char *ddl = m->pg ? sqldb_pg_ddl(meta_migrations[i].sql) : NULL;
    if ((rc = msql_exec(m, "BEGIN IMMEDIATE"))) { xfree(ddl); return rc; }
    rc = msql_exec(m, ddl ? ddl : meta_migrations[i].sql);
    xfree(ddl);
    if (rc || (rc = msql_exec(m, ins))) {
      msql_exec(m, "ROLLBACK");
      return rc;
    }
    if ((rc = msql_exec(m, "COMMIT"))) return rc;
    LOGI("metadata schema migrated to version %d", meta_migrations[i].version);
  }
  return 0;
}

static int s_user_add(void *impl, const struct meta_user *u) {
  struct msql *m = impl;
  sqlst *st;
  /* a name that still owns buckets or datasets (its user was removed) is not handed to a new user */
  if (sqldb_prepare(m->db, "INSERT INTO users (name, access_key, secret_sealed, role, enabled,"
                         " created_ms) SELECT ?1,?2,?3,?4,?5,?6 WHERE NOT EXISTS"
                         " (SELECT 1 FROM buckets WHERE owner = ?1) AND NOT EXISTS"
                         " (SELECT 1 FROM datasets WHERE owner = ?1)", &st))
    return msql_err(m, "prepare");
  sql_bind_text(st, 1, u->name);
  sql_bind_text(st, 2, u->access_key);
  sql_bind_text(st, 3, u->secret_sealed);
  sql_bind_text(st, 4, u->role);
  sql_bind_int64(st, 5, u->enabled);
  sql_bind_int64(st, 6, u->created_ms);
  int r = sql_step(st);
  sqldb_finalize(st);
  if (r == SQLDB_CONSTRAINT || (r == SQLDB_DONE && !sqldb_changes(m->db))) return CAIRN_EEXIST;
  return r == SQLDB_DONE ? 0 : msql_err(m, "insert user");
}

static void row_to_user(sqlst *st, struct meta_user *u) {
  memset(u, 0, sizeof *u);
  snprintf(u->name, sizeof u->name, "%s", sql_column_text(st, 0));
  snprintf(u->access_key, sizeof u->access_key, "%s", sql_column_text(st, 1));
  u->secret_sealed = xstrdup(sql_column_text(st, 2));
  snprintf(u->role, sizeof u->role, "%s", sql_column_text(st, 3));
  u->enabled = sql_column_int(st, 4);
  u->created_ms = sql_column_int64(st, 5);
}

#define USER_COLS "SELECT name, access_key, secret_sealed, role, enabled, created_ms FROM users"

static int s_user_by_key(void *impl, const char *key, struct meta_user *out) {
  struct msql *m = impl;
  sqlst *st;
  if (msql_prepare_cached(m, USER_COLS " WHERE access_key = ?", &st))
    return CAIRN_EDB;
  sql_bind_text(st, 1, key);
  int r = sql_step(st), rc = CAIRN_ENOENT;
  if (r == SQLDB_ROW) { row_to_user(st, out); rc = 0; }
  else if (r != SQLDB_DONE) rc = msql_err(m, "select user");
  msql_release(st);
  return rc;
}

/* The user and its block claims go together: a later user of the same name inherits no proof of
 * holding bytes it never uploaded. */
static int s_user_rm(void *impl, const char *name) {
  struct msql *m = impl;
  int rc = msql_exec(m, "BEGIN IMMEDIATE");
  if (rc) return rc;
  sqlst *st;
  rc = CAIRN_EDB;
  if (sqldb_prepare(m->db, "DELETE FROM users WHERE name = ?", &st)) goto out;
  sql_bind_text(st, 1, name);
  int r = sql_step(st);
  sqldb_finalize(st);
  if (r != SQLDB_DONE) goto out;
  if (!sqldb_changes(m->db)) { rc = CAIRN_ENOENT; goto out; }
  if (sqldb_prepare(m->db, "DELETE FROM block_claims WHERE owner = ?", &st)) goto out;
  sql_bind_text(st, 1, name);
  r = sql_step(st);
  sqldb_finalize(st);
  rc = r == SQLDB_DONE ? 0 : CAIRN_EDB;
out:
  msql_exec(m, rc ? "ROLLBACK" : "COMMIT");
  return rc;
}

static int s_user_list(void *impl, meta_user_cb cb, void *ctx) {
  struct msql *m = impl;
  sqlst *st;
  if (sqldb_prepare(m->db, USER_COLS " ORDER BY name", &st)) return msql_err(m, "prepare");
  int rc = 0;
  while (!rc && sql_step(st) == SQLDB_ROW) {
    struct meta_user u;
    row_to_user(st, &u);
    rc = cb(ctx, &u);
    meta_user_clear(&u);
  }
  sqldb_finalize(st);
  return rc;
}

/* ---- buckets ---- */

static int s_bucket_create(void *impl, const struct meta_bucket *b) {
  struct msql *m = impl;
  sqlst *st;
  if (sqldb_prepare(m->db, "INSERT INTO buckets (name, owner, acl, created_ms) VALUES (?,?,?,?)", &st))
    return msql_err(m, "prepare");
  sql_bind_text(st, 1, b->name);
  sql_bind_text(st, 2, b->owner);
  sql_bind_text(st, 3, b->acl[0] ? b->acl : "private");
  sql_bind_int64(st, 4, b->created_ms);
  int r = sql_step(st);
  sqldb_finalize(st);
  if (r == SQLDB_CONSTRAINT) return CAIRN_EBUCKETEXISTS;
  return r == SQLDB_DONE ? 0 : msql_err(m, "insert bucket");
}

static void row_to_bucket(sqlst *st, struct meta_bucket *b) {
  memset(b, 0, sizeof *b);
  snprintf(b->name, sizeof b->name, "%s", sql_column_text(st, 0));
  snprintf(b->owner, sizeof b->owner, "%s", sql_column_text(st, 1));
  snprintf(b->acl, sizeof b->acl, "%s", sql_column_text(st, 2));
  b->created_ms = sql_column_int64(st, 3);
  const char *g = sql_column_text(st, 4), *p = sql_column_text(st, 5);
  b->grants = g ? xstrdup((const char *)g) : NULL;
  b->policy = p ? xstrdup((const char *)p) : NULL;
  const char *l = sql_column_text(st, 6);
  b->lifecycle = l ? xstrdup((const char *)l) : NULL;
  if (sql_column_count(st) > 8) {   /* the access settings kept in bucket_configs */
    const char *pab = sql_column_text(st, 7), *own = sql_column_text(st, 8);
    b->access_block = pab ? xstrdup((const char *)pab) : NULL;
    b->ownership = own ? xstrdup((const char *)own) : NULL;
    const char *v = sql_column_text(st, 9);
    snprintf(b->versioning, sizeof b->versioning, "%s", v ? (const char *)v : "");
  }
}

static int s_bucket_get(void *impl, const char *name, struct meta_bucket *out) {
  struct msql *m = impl;
  sqlst *st;
  if (msql_prepare_cached(m, "SELECT name, owner, acl, created_ms, grants, policy, lifecycle, "
                             "(SELECT value FROM bucket_configs WHERE bucket = ?1 AND name = 'publicAccessBlock'), "
                             "(SELECT value FROM bucket_configs WHERE bucket = ?1 AND name = 'ownershipControls'), "
                             "(SELECT value FROM bucket_configs WHERE bucket = ?1 AND name = 'versioning') "
                             "FROM buckets WHERE name = ?1", &st))
    return CAIRN_EDB;
  sql_bind_text(st, 1, name);
  int r = sql_step(st), rc = CAIRN_ENOSUCHBUCKET;
  if (r == SQLDB_ROW) { row_to_bucket(st, out); rc = 0; }
  else if (r != SQLDB_DONE) rc = msql_err(m, "select bucket");
  msql_release(st);
  return rc;
}

static int s_bucket_delete(void *impl, const char *name) {
  struct msql *m = impl;
  int rc = msql_exec(m, "BEGIN IMMEDIATE");
  if (rc) return rc;
  sqlst *st;
  rc = CAIRN_EDB;
  /* unfinished multipart uploads keep the bucket too (S3: BucketNotEmpty) */
  if (sqldb_prepare(m->db, "SELECT 1 FROM objects WHERE bucket = ?1 UNION ALL "
                                "SELECT 1 FROM object_versions WHERE bucket = ?1 UNION ALL "
                                "SELECT 1 FROM uploads WHERE bucket = ?1 LIMIT 1", &st)) goto out;
  sql_bind_text(st, 1, name);
  int r = sql_step(st);
  sqldb_finalize(st);
  if (r == SQLDB_ROW) { rc = CAIRN_EBUCKETNOTEMPTY; goto out; }
  if (sqldb_prepare(m->db, "DELETE FROM buckets WHERE name = ?", &st)) goto out;
  sql_bind_text(st, 1, name);
  r = sql_step(st);
  sqldb_finalize(st);
  if (r != SQLDB_DONE) goto out;
  rc = sqldb_changes(m->db) ? 0 : CAIRN_ENOSUCHBUCKET;
  if (!rc) {   /* its configurations go with it */
    rc = CAIRN_EDB;
    if (sqldb_prepare(m->db, "DELETE FROM bucket_configs WHERE bucket = ?", &st)) goto out;
    sql_bind_text(st, 1, name);
    r = sql_step(st);
    sqldb_finalize(st);
    if (r == SQLDB_DONE) rc = 0;
  }
out:
  msql_exec(m, rc ? "ROLLBACK" : "COMMIT");
  return rc;
}

static int s_bucket_list(void *impl, meta_bucket_cb cb, void *ctx) {
  struct msql *m = impl;
  sqlst *st;
  if (sqldb_prepare(m->db, "SELECT name, owner, acl, created_ms, grants, policy, lifecycle FROM buckets ORDER BY name", &st))
    return msql_err(m, "prepare");
  int rc = 0;
  while (!rc && sql_step(st) == SQLDB_ROW) {
    struct meta_bucket b;
    row_to_bucket(st, &b);
    rc = cb(ctx, &b);
    meta_bucket_clear(&b);
  }
  sqldb_finalize(st);
  return rc;
}

/* ---- objects ---- */

static int object_insert(struct msql *m, const struct meta_object *o);

#define CURRENT_ROWS "SELECT manifest, data IS NOT NULL, size FROM objects WHERE bucket = ?1 AND key = ?2"

/* In a space's bucket the row replaced leaves the usage and o joins it, all undone when the
 * usage would end above the quota (and grew). */
int msql_object_put(void *impl, const struct meta_object *o) {
  struct msql *m = impl;
  if (!msql_space_accounted(m, o->bucket)) return object_insert(m, o);
  int rc = msql_exec(m, "SAVEPOINT put_acct");
  if (rc) return rc;
  rc = msql_space_account_rows(m, CURRENT_ROWS, o->bucket, o->key, NULL, -1);
  int over_before = rc ? 0 : msql_space_quota_check(m, o->bucket) != 0;
  if (!rc) rc = object_insert(m, o);
  if (!rc) rc = msql_space_account(m, o, 1);
  if (!rc && msql_space_quota_check(m, o->bucket) && (!over_before || o->size)) rc = CAIRN_EQUOTA;
  if (rc) msql_exec(m, "ROLLBACK TO put_acct");
  msql_exec(m, "RELEASE put_acct");
  return rc;
}

static int object_insert(struct msql *m, const struct meta_object *o) {
  sqlst *st;
  if (msql_prepare_cached(m, "INSERT INTO objects (bucket, key, size, etag, content_type,"
                         " manifest, created_ms, headers, tags, data, version_id, seq) SELECT ?,?,?,?,?,?,?,?,?,?10,?11,?12"
                         " WHERE EXISTS (SELECT 1 FROM buckets WHERE name = ?1) ON CONFLICT (bucket, key) DO UPDATE SET"
                         " size = excluded.size, etag = excluded.etag, content_type = excluded.content_type,"
                         " manifest = excluded.manifest, created_ms = excluded.created_ms, headers = excluded.headers,"
                         " tags = excluded.tags, data = excluded.data, version_id = excluded.version_id, seq = excluded.seq", &st))
    return CAIRN_EDB;
  sql_bind_text(st, 1, o->bucket);
  sql_bind_text(st, 2, o->key);
  sql_bind_int64(st, 3, (int64_t)o->size);
  sql_bind_text(st, 4, o->etag);
  sql_bind_text(st, 5, o->content_type);
  sql_bind_text(st, 6, o->manifest);
  sql_bind_int64(st, 7, o->created_ms);
  sql_bind_text(st, 8, o->headers ? o->headers : "{}");
  sql_bind_text(st, 9, o->tags ? o->tags : "{}");
  if (o->is_inline) sql_bind_blob(st, 10, o->data, (size_t)o->size);
  else sql_bind_null(st, 10);
  sql_bind_text(st, 11, *o->version_id ? o->version_id : "null");
  sql_bind_int64(st, 12, o->seq);
  int r = sql_step(st);
  msql_release(st);
  if (r != SQLDB_DONE) return msql_err(m, "insert object");
  return sqldb_changes(m->db) ? 0 : CAIRN_ENOSUCHBUCKET;
}

void msql_row_to_object(sqlst *st, struct meta_object *o, int with_manifest) {
  memset(o, 0, sizeof *o);
  snprintf(o->bucket, sizeof o->bucket, "%s", sql_column_text(st, 0));
  o->key = xstrdup(sql_column_text(st, 1));
  o->size = (uint64_t)sql_column_int64(st, 2);
  snprintf(o->etag, sizeof o->etag, "%s", sql_column_text(st, 3));
  o->content_type = xstrdup(sql_column_text(st, 4));
  o->created_ms = sql_column_int64(st, 5);
  if (with_manifest) o->manifest = xstrdup(sql_column_text(st, 6));
  o->headers = xstrdup(sql_column_text(st, 7));
  o->tags = xstrdup(sql_column_text(st, 8));
  if (with_manifest && !sql_column_isnull(st, 9)) {
    size_t n;
    const void *p = sql_column_blob(st, 9, &n);
    o->data = xmalloc(n + 1);
    if (n && p) memcpy(o->data, p, n);
    o->is_inline = 1;
  }
  snprintf(o->version_id, sizeof o->version_id, "%s", sql_column_text(st, 10));
  o->seq = sql_column_int64(st, 11);
  o->is_latest = 1;
  if (sql_column_count(st) > 14) {   /* a version row (MSQL_VERSION_COLS) */
    o->delete_marker = sql_column_int(st, 12);
    o->noncurrent_ms = sql_column_int64(st, 13);
    o->is_latest = sql_column_int(st, 14);
  }
}

#define OBJECT_COLS "SELECT " MSQL_OBJECT_COLS " FROM objects"

static int s_object_get(void *impl, const char *bucket, const char *key, struct meta_object *out) {
  struct msql *m = impl;
  sqlst *st;
  if (msql_prepare_cached(m, OBJECT_COLS " WHERE bucket = ? AND key = ?", &st))
    return CAIRN_EDB;
  sql_bind_text(st, 1, bucket);
  sql_bind_text(st, 2, key);
  int r = sql_step(st), rc = CAIRN_ENOSUCHKEY;
  if (r == SQLDB_ROW) { msql_row_to_object(st, out, 1); rc = 0; }
  else if (r != SQLDB_DONE) rc = msql_err(m, "select object");
  msql_release(st);
  return rc;
}

static int s_object_delete(void *impl, const char *bucket, const char *key) {
  struct msql *m = impl;
  sqlst *st;
  int acct = msql_space_accounted(m, bucket), rc = acct ? msql_exec(m, "SAVEPOINT del_acct") : 0;
  if (!rc && acct) rc = msql_space_account_rows(m, CURRENT_ROWS, bucket, key, NULL, -1);
  if (!rc && sqldb_prepare(m->db, "DELETE FROM objects WHERE bucket = ? AND key = ?", &st)) rc = msql_err(m, "prepare");
  if (!rc) {
    sql_bind_text(st, 1, bucket);
    sql_bind_text(st, 2, key);
    int r = sql_step(st);
    sqldb_finalize(st);
    rc = r != SQLDB_DONE ? msql_err(m, "delete object") : sqldb_changes(m->db) ? 0 : CAIRN_ENOSUCHKEY;
  }
  if (acct) {
    if (rc) msql_exec(m, "ROLLBACK TO del_acct");
    msql_exec(m, "RELEASE del_acct");
  }
  return rc;
}

/* Keys in [lo, ceiling(prefix)), lo the larger of after (exclusive) and prefix (inclusive): an index
 * range, so a page costs its rows however many keys sort before or after the prefix. */
static int s_object_list(void *impl, const char *bucket, const char *prefix, const char *after,
                         int limit, meta_object_cb cb, void *ctx) {
  struct msql *m = impl;
  sqlst *st;
  int from_prefix = strcmp(prefix, after) > 0;
  /* byte-order comparison (BINARY collation) is S3's UTF-8 order */
  if (sqldb_prepare(m->db, from_prefix ? OBJECT_COLS " WHERE bucket = ?1 AND key >= ?2 AND key < ?3 AND"
                                     " substr(CAST(key AS BLOB), 1, length(CAST(?4 AS BLOB))) = CAST(?4 AS BLOB)"
                                     " ORDER BY key LIMIT ?5"
                                   : OBJECT_COLS " WHERE bucket = ?1 AND key > ?2 AND key < ?3 AND"
                                     " substr(CAST(key AS BLOB), 1, length(CAST(?4 AS BLOB))) = CAST(?4 AS BLOB)"
                                     " ORDER BY key LIMIT ?5", &st))
    return msql_err(m, "prepare");   /* not cached: a callback may list again */
  char *ceil = meta_key_ceiling(prefix, strlen(prefix));
  sql_bind_text(st, 1, bucket);
  sql_bind_text(st, 2, from_prefix ? prefix : after);
  sql_bind_text(st, 3, ceil);
  sql_bind_text(st, 4, prefix);
  sql_bind_int64(st, 5, limit);
  int rc = msql_objects_each(st, cb, ctx);
  xfree(ceil);
  return rc;
}

int msql_objects_each(sqlst *st, meta_object_cb cb, void *ctx) {
  int rc = 0;
  while (!rc && sql_step(st) == SQLDB_ROW) {
    struct meta_object o;
    msql_row_to_object(st, &o, 0);
    rc = cb(ctx, &o);
    meta_object_clear(&o);
  }
  sqldb_finalize(st);
  return rc;
}

/* ---- multipart uploads ---- */

static int s_upload_create(void *impl, const struct meta_upload *u) {
  struct msql *m = impl;
  sqlst *st;
  if (sqldb_prepare(m->db, "INSERT INTO uploads (upload_id, bucket, key, content_type, created_ms, headers, tags)"
                         " SELECT ?,?,?,?,?,?,? WHERE EXISTS (SELECT 1 FROM buckets WHERE name = ?2)", &st))
    return msql_err(m, "prepare");
  sql_bind_text(st, 1, u->id);
  sql_bind_text(st, 2, u->bucket);
  sql_bind_text(st, 3, u->key);
  sql_bind_text(st, 4, u->content_type);
  sql_bind_int64(st, 5, u->created_ms);
  sql_bind_text(st, 6, u->headers ? u->headers : "{}");
  sql_bind_text(st, 7, u->tags ? u->tags : "{}");
  int r = sql_step(st);
  sqldb_finalize(st);
  if (r != SQLDB_DONE) return msql_err(m, "insert upload");
  return sqldb_changes(m->db) ? 0 : CAIRN_ENOSUCHBUCKET;
}

static void row_to_upload(sqlst *st, struct meta_upload *u) {
  memset(u, 0, sizeof *u);
  snprintf(u->id, sizeof u->id, "%s", sql_column_text(st, 0));
  snprintf(u->bucket, sizeof u->bucket, "%s", sql_column_text(st, 1));
  u->key = xstrdup(sql_column_text(st, 2));
  u->content_type = xstrdup(sql_column_text(st, 3));
  u->created_ms = sql_column_int64(st, 4);
  u->headers = xstrdup(sql_column_text(st, 5));
  u->tags = xstrdup(sql_column_text(st, 6));
}

#define UPLOAD_COLS "SELECT upload_id, bucket, key, content_type, created_ms, headers, tags FROM uploads"

static int s_upload_get(void *impl, const char *id, struct meta_upload *out) {
  struct msql *m = impl;
  sqlst *st;
  if (sqldb_prepare(m->db, UPLOAD_COLS " WHERE upload_id = ?", &st)) return msql_err(m, "prepare");
  sql_bind_text(st, 1, id);
  int r = sql_step(st), rc = CAIRN_ENOSUCHUPLOAD;
  if (r == SQLDB_ROW) { row_to_upload(st, out); rc = 0; }
  else if (r != SQLDB_DONE) rc = msql_err(m, "select upload");
  sqldb_finalize(st);
  return rc;
}

static int delete_upload(struct msql *m, const char *id) {
  sqlst *st;
  if (sqldb_prepare(m->db, "DELETE FROM uploads WHERE upload_id = ?", &st)) return msql_err(m, "prepare");
  sql_bind_text(st, 1, id);
  int r = sql_step(st);
  sqldb_finalize(st);
  if (r != SQLDB_DONE) return msql_err(m, "delete upload");
  return sqldb_changes(m->db) ? 0 : CAIRN_ENOSUCHUPLOAD;   /* parts go by ON DELETE CASCADE */
}

static int s_upload_delete(void *impl, const char *id) { return delete_upload(impl, id); }

static int s_upload_list(void *impl, const char *bucket, meta_upload_cb cb, void *ctx) {
  struct msql *m = impl;
  sqlst *st;
  if (sqldb_prepare(m->db, UPLOAD_COLS " WHERE bucket = ? ORDER BY key, created_ms", &st))
    return msql_err(m, "prepare");
  sql_bind_text(st, 1, bucket);
  int rc = 0;
  while (!rc && sql_step(st) == SQLDB_ROW) {
    struct meta_upload u;
    row_to_upload(st, &u);
    rc = cb(ctx, &u);
    meta_upload_clear(&u);
  }
  sqldb_finalize(st);
  return rc;
}

static int s_part_put(void *impl, const char *upload_id, const struct meta_part *p) {
  struct msql *m = impl;
  sqlst *st;
  if (sqldb_prepare(m->db, "INSERT INTO parts (upload_id, part_number, size, etag, manifest,"
                         " created_ms, checksum) SELECT ?,?,?,?,?,?,? WHERE EXISTS (SELECT 1 FROM uploads WHERE upload_id = ?1)"
                         " ON CONFLICT (upload_id, part_number) DO UPDATE SET size = excluded.size, etag = excluded.etag,"
                         " manifest = excluded.manifest, created_ms = excluded.created_ms, checksum = excluded.checksum", &st))
    return msql_err(m, "prepare");
  sql_bind_text(st, 1, upload_id);
  sql_bind_int64(st, 2, p->number);
  sql_bind_int64(st, 3, (int64_t)p->size);
  sql_bind_text(st, 4, p->etag);
  sql_bind_text(st, 5, p->manifest);
  sql_bind_int64(st, 6, p->created_ms);
  sql_bind_text(st, 7, p->checksum);
  int r = sql_step(st);
  sqldb_finalize(st);
  if (r != SQLDB_DONE) return msql_err(m, "insert part");
  return sqldb_changes(m->db) ? 0 : CAIRN_ENOSUCHUPLOAD;
}

static int s_part_list(void *impl, const char *upload_id, int with_manifest, meta_part_cb cb, void *ctx) {
  struct msql *m = impl;
  sqlst *st;
  if (sqldb_prepare(m->db, "SELECT part_number, size, etag, manifest, created_ms, checksum FROM parts"
                         " WHERE upload_id = ? ORDER BY part_number", &st))
    return msql_err(m, "prepare");
  sql_bind_text(st, 1, upload_id);
  int rc = 0;
  while (!rc && sql_step(st) == SQLDB_ROW) {
    struct meta_part p = {0};
    p.number = sql_column_int(st, 0);
    p.size = (uint64_t)sql_column_int64(st, 1);
    snprintf(p.etag, sizeof p.etag, "%s", sql_column_text(st, 2));
    p.manifest = with_manifest ? (char *)sql_column_text(st, 3) : NULL;   /* valid during cb */
    p.created_ms = sql_column_int64(st, 4);
    const char *ck = sql_column_text(st, 5);
    snprintf(p.checksum, sizeof p.checksum, "%s", ck ? (const char *)ck : "");
    rc = cb(ctx, &p);
  }
  sqldb_finalize(st);
  return rc;
}

static int s_upload_complete(void *impl, const char *upload_id, const struct meta_object *o, int versioned) {
  struct msql *m = impl;
  int rc = msql_exec(m, "BEGIN IMMEDIATE");
  if (rc) return rc;
  rc = delete_upload(m, upload_id);   /* fails when a concurrent complete or abort won */
  if (!rc) rc = versioned ? msql_put_version_locked(m, o) : msql_object_put(m, o);
  int e = msql_exec(m, rc ? "ROLLBACK" : "COMMIT");
  return rc ? rc : e;
}

static int s_manifest_each(void *impl, meta_manifest_cb cb, void *ctx) {
  struct msql *m = impl;
  sqlst *st;
  /* one read transaction: a consistent snapshot of every root */
  if (sqldb_prepare(m->db, "SELECT manifest FROM objects UNION ALL SELECT manifest FROM parts"
                         " UNION ALL SELECT manifest FROM object_versions"
                         " UNION ALL SELECT blocks FROM ds_versions", &st))
    return msql_err(m, "prepare");
  int rc = 0;
  while (!rc && sql_step(st) == SQLDB_ROW) rc = cb(ctx, sql_column_text(st, 0));
  sqldb_finalize(st);
  return rc;
}

static int s_object_set_tags(void *impl, const char *bucket, const char *key, const char *vid, const char *tags) {
  struct msql *m = impl;
  sqlst *st;
  int rc = vid ? CAIRN_ENOSUCHVERSION : CAIRN_ENOSUCHKEY;
  /* the current version, then (with a version id) an older one; a delete marker has no tags */
  const char *sql[2] = {"UPDATE objects SET tags = ?1 WHERE bucket = ?2 AND key = ?3 AND (?4 IS NULL OR version_id = ?4)",
                        "UPDATE object_versions SET tags = ?1 WHERE bucket = ?2 AND key = ?3 AND version_id = ?4 AND delete_marker = 0"};
  for (int i = 0; i < (vid ? 2 : 1) && rc != 0; i++) {
    if (sqldb_prepare(m->db, sql[i], &st)) return msql_err(m, "prepare");
    sql_bind_text(st, 1, tags);
    sql_bind_text(st, 2, bucket);
    sql_bind_text(st, 3, key);
    sql_bind_text(st, 4, vid);
    int r = sql_step(st);
    sqldb_finalize(st);
    if (r != SQLDB_DONE) return msql_err(m, "update tags");
    if (sqldb_changes(m->db)) rc = 0;
  }
  return rc;
}

static int s_lifecycle_set(void *impl, const char *bucket, const char *rules) {
  struct msql *m = impl;
  sqlst *st;
  if (sqldb_prepare(m->db, "UPDATE buckets SET lifecycle = ? WHERE name = ?", &st))
    return msql_err(m, "prepare");
  sql_bind_text(st, 1, rules);
  sql_bind_text(st, 2, bucket);
  int r = sql_step(st);
  sqldb_finalize(st);
  if (r != SQLDB_DONE) return msql_err(m, "update lifecycle");
  return sqldb_changes(m->db) ? 0 : CAIRN_ENOSUCHBUCKET;
}

static int s_lifecycle_get(void *impl, const char *bucket, char **rules) {
  struct msql *m = impl;
  sqlst *st;
  *rules = NULL;
  if (msql_prepare_cached(m, "SELECT lifecycle FROM buckets WHERE name = ?", &st))
    return CAIRN_EDB;
  sql_bind_text(st, 1, bucket);
  int r = sql_step(st), rc = CAIRN_ENOSUCHBUCKET;
  if (r == SQLDB_ROW) {
    rc = 0;
    if (!sql_column_isnull(st, 0)) *rules = xstrdup(sql_column_text(st, 0));
  }
  msql_release(st);
  return rc;
}

static int s_ping(void *impl) { return msql_exec(impl, "SELECT 1"); }

static int s_lease_take(void *impl, const char *name, const char *holder, int64_t now_ms, int64_t until_ms) {
  struct msql *m = impl;
  sqlst *st;
  if (sqldb_prepare(m->db, "INSERT INTO leases (name, holder, until_ms) VALUES (?1, ?2, ?4) ON CONFLICT (name)"
                           " DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms WHERE leases.until_ms <= ?3", &st))
    return msql_err(m, "prepare");
  sql_bind_text(st, 1, name);
  sql_bind_text(st, 2, holder);
  sql_bind_int64(st, 3, now_ms);
  sql_bind_int64(st, 4, until_ms);
  int r = sql_step(st);
  sqldb_finalize(st);
  if (r != SQLDB_DONE) return msql_err(m, "take lease");
  return sqldb_changes(m->db) ? 1 : 0;
}

/* Nodes sharing the database hear about task and tag changes (meta_listen): NOTIFY after each. */
static void notify(struct msql *m, const char *sql) { if (m->pg) msql_exec(m, sql); }
static int n_task_add(void *impl, struct meta_task *t) {
  int rc = msql_task_add(impl, t);
  if (!rc) notify(impl, "NOTIFY cairn_tasks");
  return rc;
}
static int n_task_finish(void *impl, const struct meta_task *t) {
  int rc = msql_task_finish(impl, t);
  if (!rc) notify(impl, "NOTIFY cairn_tasks");
  return rc;
}
static int n_task_cancel(void *impl, const char *id, int64_t now_ms, char state[12]) {
  int rc = msql_task_cancel(impl, id, now_ms, state);
  if (!rc) notify(impl, "NOTIFY cairn_tasks");
  return rc;
}
static int n_ds_tag_set(void *impl, const char *dataset, const struct meta_dstag *t) {
  int rc = msql_ds_tag_set(impl, dataset, t);
  if (!rc) notify(impl, "NOTIFY cairn_tags");
  return rc;
}
static int n_ds_tag_delete(void *impl, const char *dataset, const char *tag, int64_t now_ms) {
  int rc = msql_ds_tag_delete(impl, dataset, tag, now_ms);
  if (!rc) notify(impl, "NOTIFY cairn_tags");
  return rc;
}
static const char *const channels[] = {"cairn_tasks", "cairn_tags", NULL};
static int s_listen(void *impl, void (*fn)(void *ctx, const char *channel), void *ctx) {
  struct msql *m = impl;
  if (!fn) { sqldb_pg_unlisten(m->listener); m->listener = NULL; return 0; }   /* stop */
  if (!m->pg || m->listener) return 0;
  return sqldb_pg_listen(m->url, channels, fn, ctx, &m->listener) ? CAIRN_EDB : 0;
}

static int s_lost(void *impl) { struct msql *m = impl; return m->db->ops->lost && m->db->ops->lost(m->db); }
static int s_shared(void *impl) { return ((struct msql *)impl)->pg; }

static int s_tx(void *impl, int what) {
  return msql_exec(impl, what == 0 ? "BEGIN IMMEDIATE" : what == 1 ? "COMMIT" : "ROLLBACK");
}

static void s_close(void *impl) {
  struct msql *m = impl;
  sqldb_pg_unlisten(m->listener);
  xfree(m->url);
  sqldb_close(m->db);
  xfree(m);
}

static const struct meta_ops sql_ops = {
  s_user_add, s_user_by_key, s_user_rm, s_user_list, s_bucket_create, s_bucket_get, s_bucket_delete,
  s_bucket_list, msql_object_put, s_object_get, s_object_delete, s_object_list, s_upload_create,
  s_upload_get, s_upload_delete, s_upload_list, s_part_put, s_part_list, s_upload_complete,
  s_manifest_each, s_object_set_tags, msql_object_put_version, msql_object_delete_marker,
  msql_object_version_get, msql_object_version_delete, msql_object_versions_list, s_lifecycle_set, msql_bucket_set_acl, msql_bucket_set_policy, s_lifecycle_get,
  msql_ds_version_put, msql_ds_version_get, msql_ds_get, msql_ds_list, msql_ds_set_public,
  n_ds_tag_set, msql_ds_tag_get, n_ds_tag_delete, msql_ds_tag_list, msql_ds_tag_history,
  msql_ds_prune, msql_block_claim, msql_block_claimed, n_task_add, msql_task_claim,
  msql_task_renew, n_task_finish, msql_task_get, msql_task_list, n_task_cancel, msql_task_prune, msql_counts, msql_mirror_get, msql_mirror_put, msql_mirror_delete, msql_mirror_list, msql_task_counts, msql_bucket_config_get, msql_bucket_config_set,
  msql_space_put, msql_space_get, msql_space_delete, msql_space_list, msql_space_member_set, msql_space_members, msql_space_usage_set, msql_space_sample, msql_space_samples, s_lease_take, s_tx, s_ping,
  s_schema_version, s_close, s_lost, s_shared, s_listen,
};

static int open_with(struct msql *m, meta_t **out) {
  int rc = 0;
  if (m->pg) {   /* one node migrates at a time; the others then find the schema current */
    rc = msql_exec(m, "SELECT pg_advisory_lock(7136)");
    if (!rc) rc = migrate(m);
    msql_exec(m, "SELECT pg_advisory_unlock(7136)");
  } else {
    /* A small WAL checkpointed often: the WAL file and what one checkpoint adds to meta.db stay well
     * inside the meta_reserve ballast, so deletes and gc still commit on a full disk. */
    rc = msql_exec(m, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                      "PRAGMA wal_autocheckpoint=256; PRAGMA journal_size_limit=4194304");
    if (!rc) rc = migrate(m);
  }
  if (rc) { s_close(m); return rc; }
  *out = meta_wrap(&sql_ops, m);
  return 0;
}

/* One connection to where (an SQLite path or a postgres URL); NULL after logging why. */
static struct msql *connect_to(const char *where, int pg) {
  struct msql *m = xcalloc(1, sizeof *m);
  char err[512];
  if (pg ? sqldb_open_pg(where, &m->db, err, sizeof err) : sqldb_open_sqlite(where, &m->db, err, sizeof err)) {
    LOGE("%s", err);
    xfree(m);
    return NULL;
  }
  m->pg = pg;
  if (pg) m->url = xstrdup(where);
  return m;
}

/* The writer (which migrates), then META_READERS reader connections (meta.h); a reader that
 * cannot connect only means fewer of them. */
static int open_all(const char *where, int pg, meta_t **out) {
  struct msql *m = connect_to(where, pg);
  if (!m) return CAIRN_EDB;
  int rc = open_with(m, out);
  for (int i = 0; !rc && i < META_READERS; i++) {
    struct msql *r = connect_to(where, pg);
    if (!r) break;
    if (!pg && msql_exec(r, "PRAGMA query_only=1")) { s_close(r); break; }
    meta_add_reader(*out, r);
  }
  return rc;
}

int meta_open_sqlite(const char *path, meta_t **out) { return open_all(path, 0, out); }
int meta_open_pg(const char *url, meta_t **out) { return open_all(url, 1, out); }

int meta_is_postgres(const char *where) { return !strncmp(where, "postgres://", 11) || !strncmp(where, "postgresql://", 13); }

int meta_open(const char *where, meta_t **out) {
  if (meta_is_postgres(where)) return meta_open_pg(where, out);
  return meta_open_sqlite(where, out);
}
