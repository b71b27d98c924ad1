/* meta_sqlite_access.c - the SQLite side of a bucket's settings: canned ACL, grants, policy, its
 * named configurations (cors, ...), and block claims (which user uploaded which block). */
#include "meta_sqlite.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <stddef.h>

static int update_bucket(struct msql *m, const char *sql, const char *a, const char *b, const char *bucket) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(m->db, sql, -1, &st, NULL)) return msql_err(m, "prepare");
  int i = 1;
  if (a) sqlite3_bind_text(st, i++, a, -1, SQLITE_STATIC);
  if (b) sqlite3_bind_text(st, i++, b, -1, SQLITE_STATIC);
  else sqlite3_bind_null(st, i++);
  sqlite3_bind_text(st, i, bucket, -1, SQLITE_STATIC);
  int r = sqlite3_step(st);
  sqlite3_finalize(st);
  if (r != SQLITE_DONE) return msql_err(m, "update bucket");
  return sqlite3_changes(m->db) ? 0 : CAIRN_ENOSUCHBUCKET;
}

int msql_bucket_set_acl(void *impl, const char *bucket, const char *acl, const char *grants) {
  return update_bucket(impl, "UPDATE buckets SET acl = ?, grants = ? WHERE name = ?", acl, grants, bucket);
}

int msql_bucket_set_policy(void *impl, const char *bucket, const char *policy) {
  return update_bucket(impl, "UPDATE buckets SET policy = ? WHERE name = ?", NULL, policy, bucket);
}

int msql_block_claim(void *impl, const char *owner, const char *id) {
  struct msql *m = impl;
  sqlite3_stmt *st;
  if (msql_prepare_cached(m, "INSERT OR IGNORE INTO block_claims (owner, block) VALUES (?, ?)", &st)) return CAIRN_EDB;
  sqlite3_bind_text(st, 1, owner, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
  int r = sqlite3_step(st);
  msql_release(st);
  return r == SQLITE_DONE ? 0 : msql_err(m, "insert claim");
}

int msql_block_claimed(void *impl, const char *owner, const char *id) {
  struct msql *m = impl;
  sqlite3_stmt *st;
  if (msql_prepare_cached(m, "SELECT 1 FROM block_claims WHERE owner = ? AND block = ?", &st)) return CAIRN_EDB;
  sqlite3_bind_text(st, 1, owner, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
  int r = sqlite3_step(st);
  msql_release(st);
  if (r == SQLITE_ROW) return 1;
  return r == SQLITE_DONE ? 0 : msql_err(m, "select claim");
}

int msql_bucket_config_get(void *impl, const char *bucket, const char *name, char **value) {
  struct msql *m = impl;
  sqlite3_stmt *st;
  *value = NULL;
  if (msql_prepare_cached(m, "SELECT c.value, b.name FROM buckets b LEFT JOIN bucket_configs c "
                             "ON c.bucket = b.name AND c.name = ?2 WHERE b.name = ?1", &st))
    return CAIRN_EDB;
  sqlite3_bind_text(st, 1, bucket, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
  int r = sqlite3_step(st), rc = CAIRN_ENOSUCHBUCKET;
  if (r == SQLITE_ROW) {
    const char *v = (const char *)sqlite3_column_text(st, 0);
    rc = v ? 0 : CAIRN_ENOENT;
    if (v) *value = xstrdup(v);
  } else if (r != SQLITE_DONE) {
    rc = msql_err(m, "select bucket config");
  }
  msql_release(st);
  return rc;
}

int msql_bucket_config_set(void *impl, const char *bucket, const char *name, const char *value) {
  struct msql *m = impl;
  sqlite3_stmt *st;
  if (msql_prepare_cached(m, "SELECT 1 FROM buckets WHERE name = ?", &st)) return CAIRN_EDB;
  sqlite3_bind_text(st, 1, bucket, -1, SQLITE_STATIC);
  int r = sqlite3_step(st);
  msql_release(st);
  if (r != SQLITE_ROW) return r == SQLITE_DONE ? CAIRN_ENOSUCHBUCKET : msql_err(m, "select bucket");
  if (msql_prepare_cached(m, value ? "INSERT OR REPLACE INTO bucket_configs (bucket, name, value) VALUES (?, ?, ?)"
                                   : "DELETE FROM bucket_configs WHERE bucket = ? AND name = ?", &st))
    return CAIRN_EDB;
  sqlite3_bind_text(st, 1, bucket, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
  if (value) sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
  r = sqlite3_step(st);
  msql_release(st);
  return r == SQLITE_DONE ? 0 : msql_err(m, "write bucket config");
}
