/* meta_sql_access.c - the SQL side of a bucket's settings: canned ACL, grants, policy, its
 * named configurations (cors, ...), and block claims (which user uploaded which block). */
#include "meta_sql.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <stddef.h>

static int update_bucket(struct msql *m, const char *sql, const char *a, const char *b, const char *bucket) {
  sqlst *st;
  if (sqldb_prepare(m->db, sql, &st)) return msql_err(m, "prepare");
  int i = 1;
  if (a) sql_bind_text(st, i++, a);
  sql_bind_text(st, i++, b);
  sql_bind_text(st, i, bucket);
  int r = sql_step(st);
  sqldb_finalize(st);
  if (r != SQLDB_DONE) return msql_err(m, "update bucket");
  return sqldb_changes(m->db) ? 0 : CAIRN_ENOSUCHBUCKET;
}

int msql_bucket_set_acl(void *impl, const char *bucket, const char *acl, const char *grants) {
  return update_bucket(impl, "UPDATE buckets SET acl = ?, grants = ? WHERE name = ?", acl, grants, bucket);
}

int msql_bucket_set_policy(void *impl, const char *bucket, const char *policy) {
  return update_bucket(impl, "UPDATE buckets SET policy = ? WHERE name = ?", NULL, policy, bucket);
}

int msql_block_claim(void *impl, const char *owner, const char *id) {
  struct msql *m = impl;
  sqlst *st;
  if (msql_prepare_cached(m, "INSERT INTO block_claims (owner, block) VALUES (?, ?) ON CONFLICT DO NOTHING", &st)) return CAIRN_EDB;
  sql_bind_text(st, 1, owner);
  sql_bind_text(st, 2, id);
  int r = sql_step(st);
  msql_release(st);
  return r == SQLDB_DONE ? 0 : msql_err(m, "insert claim");
}

int msql_block_claimed(void *impl, const char *owner, const char *id) {
  struct msql *m = impl;
  sqlst *st;
  if (msql_prepare_cached(m, "SELECT 1 FROM block_claims WHERE owner = ? AND block = ?", &st)) return CAIRN_EDB;
  sql_bind_text(st, 1, owner);
  sql_bind_text(st, 2, id);
  int r = sql_step(st);
  msql_release(st);
  if (r == SQLDB_ROW) return 1;
  return r == SQLDB_DONE ? 0 : msql_err(m, "select claim");
}

int msql_bucket_config_get(void *impl, const char *bucket, const char *name, char **value) {
  struct msql *m = impl;
  sqlst *st;
  *value = NULL;
  if (msql_prepare_cached(m, "SELECT c.value, b.name FROM buckets b LEFT JOIN bucket_configs c "
                             "ON c.bucket = b.name AND c.name = ?2 WHERE b.name = ?1", &st))
    return CAIRN_EDB;
  sql_bind_text(st, 1, bucket);
  sql_bind_text(st, 2, name);
  int r = sql_step(st), rc = CAIRN_ENOSUCHBUCKET;
  if (r == SQLDB_ROW) {
    const char *v = sql_column_text(st, 0);
    rc = v ? 0 : CAIRN_ENOENT;
    if (v) *value = xstrdup(v);
  } else if (r != SQLDB_DONE) {
    rc = msql_err(m, "select bucket config");
  }
  msql_release(st);
  return rc;
}

int msql_bucket_config_set(void *impl, const char *bucket, const char *name, const char *value) {
  struct msql *m = impl;
  sqlst *st;
  if (msql_prepare_cached(m, "SELECT 1 FROM buckets WHERE name = ?", &st)) return CAIRN_EDB;
  sql_bind_text(st, 1, bucket);
  int r = sql_step(st);
  msql_release(st);
  if (r != SQLDB_ROW) return r == SQLDB_DONE ? CAIRN_ENOSUCHBUCKET : msql_err(m, "select bucket");
  if (msql_prepare_cached(m, value ? "INSERT INTO bucket_configs (bucket, name, value) VALUES (?, ?, ?)"
                                           " ON CONFLICT (bucket, name) DO UPDATE SET value = excluded.value"
                                   : "DELETE FROM bucket_configs WHERE bucket = ? AND name = ?", &st))
    return CAIRN_EDB;
  sql_bind_text(st, 1, bucket);
  sql_bind_text(st, 2, name);
  if (value) sql_bind_text(st, 3, value);
  r = sql_step(st);
  msql_release(st);
  return r == SQLDB_DONE ? 0 : msql_err(m, "write bucket config");
}
