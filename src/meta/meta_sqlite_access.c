/* meta_sqlite_access.c - the SQLite side of authorization data: a bucket's canned ACL, grants and
 * policy, and block claims (which user uploaded which block). */
#include "meta_sqlite.h"
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
