/* meta_sql_spaces.c - project and home spaces in SQL: the space rows, their members, and the
 * deduplicated usage of a space's bucket. Every object row (current or older version) written to
 * or dropped from such a bucket is accounted in the same transaction: its blocks' reference counts
 * in space_blocks (a block counts once however many objects share it), used_bytes (distinct block
 * bytes, plus inline objects) and logical_bytes (what clients stored). A write that leaves
 * used_bytes above quota_bytes is undone and answers CAIRN_EQUOTA. */
#include "meta_sql.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int msql_space_accounted(struct msql *m, const char *bucket) {
  sqlst *st;
  if (msql_prepare_cached(m, "SELECT 1 FROM spaces WHERE bucket = ?", &st)) return 0;
  sql_bind_text(st, 1, bucket);
  int yes = sql_step(st) == SQLDB_ROW;
  msql_release(st);
  return yes;
}

static int exec_bind(struct msql *m, const char *sql, const char *a, const char *b, int64_t n, int *changes) {
  sqlst *st;
  if (sqldb_prepare(m->db, sql, &st)) return msql_err(m, "prepare");
  sql_bind_text(st, 1, a);
  sql_bind_text(st, 2, b);
  sql_bind_int64(st, 3, n);
  int r = sql_step(st);
  sqldb_finalize(st);
  if (changes) *changes = sqldb_changes(m->db);
  return r == SQLDB_DONE ? 0 : msql_err(m, "space accounting");
}

/* One object row into (delta 1) or out of (-1) the bucket's usage. */
static int account(struct msql *m, const char *bucket, const char *manifest, int is_inline, uint64_t size, int delta) {
  int64_t used = 0;
  int rc = 0;
  if (is_inline) used = (int64_t)size * delta;
  for (const char *p = manifest; !is_inline && p && *p && !rc;) {
    const char *nl = strchr(p, '\n');
    size_t ll = nl ? (size_t)(nl - p) : strlen(p);
    if (ll > 65 && p[64] == '+') {
      char id[65];
      memcpy(id, p, 64);
      id[64] = 0;
      uint64_t bs = strtoull(p + 65, NULL, 10);
      int n = 0;
      if (delta > 0) {
        rc = exec_bind(m, "UPDATE space_blocks SET refs = refs + 1 WHERE bucket = ?1 AND block = ?2", bucket, id, 0, &n);
        if (!rc && !n) {
          rc = exec_bind(m, "INSERT INTO space_blocks (bucket, block, size, refs) VALUES (?1, ?2, ?3, 1)", bucket, id, (int64_t)bs, NULL);
          used += (int64_t)bs;
        }
      } else {
        rc = exec_bind(m, "UPDATE space_blocks SET refs = refs - 1 WHERE bucket = ?1 AND block = ?2", bucket, id, 0, NULL);
        if (!rc) rc = exec_bind(m, "DELETE FROM space_blocks WHERE bucket = ?1 AND block = ?2 AND refs <= 0", bucket, id, 0, &n);
        if (!rc && n) used -= (int64_t)bs;
      }
    }
    p = nl ? nl + 1 : NULL;
  }
  if (rc) return rc;
  sqlst *st;
  if (sqldb_prepare(m->db, "UPDATE spaces SET used_bytes = used_bytes + ?1, logical_bytes = logical_bytes + ?2 WHERE bucket = ?3", &st))
    return msql_err(m, "prepare");
  sql_bind_int64(st, 1, used);
  sql_bind_int64(st, 2, (int64_t)size * delta);
  sql_bind_text(st, 3, bucket);
  int r = sql_step(st);
  sqldb_finalize(st);
  return r == SQLDB_DONE ? 0 : msql_err(m, "space usage");
}

/* The rows matched by sql (?1 bucket, ?2 key, ?3 text) leave (delta -1) the usage. */
int msql_space_account_rows(struct msql *m, const char *sql, const char *bucket, const char *key, const char *text, int delta) {
  sqlst *st;
  if (sqldb_prepare(m->db, sql, &st)) return msql_err(m, "prepare");
  sql_bind_text(st, 1, bucket);
  sql_bind_text(st, 2, key);
  if (text) sql_bind_text(st, 3, text);
  int rc = 0, r;
  /* columns: manifest, inline (0/1), size */
  while (!rc && (r = sql_step(st)) == SQLDB_ROW) {
    char *man = xstrdup(sql_column_text(st, 0));
    rc = account(m, bucket, man, sql_column_int(st, 1), (uint64_t)sql_column_int64(st, 2), delta);
    xfree(man);
  }
  sqldb_finalize(st);
  return rc;
}

int msql_space_account(struct msql *m, const struct meta_object *o, int delta) {
  return account(m, o->bucket, o->manifest ? o->manifest : "", o->is_inline, o->size, delta);
}

int msql_space_quota_check(struct msql *m, const char *bucket) {
  sqlst *st;
  if (sqldb_prepare(m->db, "SELECT used_bytes > quota_bytes FROM spaces WHERE bucket = ?", &st)) return msql_err(m, "prepare");
  sql_bind_text(st, 1, bucket);
  int over = sql_step(st) == SQLDB_ROW && sql_column_int(st, 0);
  sqldb_finalize(st);
  return over ? CAIRN_EQUOTA : 0;
}

/* ---- the spaces and their members ---- */

static void row_to_space(sqlst *st, struct meta_space *sp) {
  memset(sp, 0, sizeof *sp);
  snprintf(sp->kind, sizeof sp->kind, "%s", sql_column_text(st, 0));
  snprintf(sp->id, sizeof sp->id, "%s", sql_column_text(st, 1));
  snprintf(sp->system, sizeof sp->system, "%s", sql_column_text(st, 2));
  sp->quota_bytes = (uint64_t)sql_column_int64(st, 3);
  const char *b = sql_column_text(st, 4);
  snprintf(sp->bucket, sizeof sp->bucket, "%s", b ? (const char *)b : "");
  sp->used_bytes = (uint64_t)sql_column_int64(st, 5);
  sp->logical_bytes = (uint64_t)sql_column_int64(st, 6);
  sp->created_ms = sql_column_int64(st, 7);
}

#define SPACE_COLS "SELECT kind, id, system, quota_bytes, bucket, used_bytes, logical_bytes, created_ms FROM spaces"

int msql_space_get(void *impl, const char *kind, const char *id, struct meta_space *out) {
  struct msql *m = impl;
  sqlst *st;
  if (sqldb_prepare(m->db, SPACE_COLS " WHERE kind = ? AND id = ?", &st)) return msql_err(m, "prepare");
  sql_bind_text(st, 1, kind);
  sql_bind_text(st, 2, id);
  int r = sql_step(st), rc = CAIRN_ENOENT;
  if (r == SQLDB_ROW) { row_to_space(st, out); rc = 0; }
  sqldb_finalize(st);
  return rc;
}

int msql_space_list(void *impl, const char *kind, meta_space_cb cb, void *ctx) {
  struct msql *m = impl;
  sqlst *st;
  if (sqldb_prepare(m->db, SPACE_COLS " WHERE kind = ? ORDER BY id", &st)) return msql_err(m, "prepare");
  sql_bind_text(st, 1, kind);
  int rc = 0;
  while (!rc && sql_step(st) == SQLDB_ROW) {
    struct meta_space sp;
    row_to_space(st, &sp);
    rc = cb(ctx, &sp);
  }
  sqldb_finalize(st);
  return rc;
}

/* Recounts a bucket's usage from every object row it holds (a space made over an existing bucket). */
static int recount(struct msql *m, const char *bucket) {
  int rc = exec_bind(m, "DELETE FROM space_blocks WHERE bucket = ?1", bucket, NULL, 0, NULL);
  if (!rc) rc = exec_bind(m, "UPDATE spaces SET used_bytes = 0, logical_bytes = 0 WHERE bucket = ?1", bucket, NULL, 0, NULL);
  if (!rc) rc = msql_space_account_rows(m, "SELECT manifest, data IS NOT NULL, size FROM objects WHERE bucket = ?1 AND ?2 IS NULL",
                                        bucket, NULL, NULL, 1);
  if (!rc) rc = msql_space_account_rows(m, "SELECT manifest, data IS NOT NULL, size FROM object_versions WHERE bucket = ?1 AND ?2 IS NULL",
                                        bucket, NULL, NULL, 1);
  return rc;
}

int msql_space_put(void *impl, const struct meta_space *sp) {
  struct msql *m = impl;
  int rc = msql_exec(m, "BEGIN IMMEDIATE");
  if (rc) return rc;
  sqlst *st;
  rc = CAIRN_EDB;
  if (!sqldb_prepare(m->db, "INSERT INTO spaces (kind, id, system, quota_bytes, bucket, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                                 " ON CONFLICT (kind, id) DO UPDATE SET quota_bytes = excluded.quota_bytes", &st)) {
    sql_bind_text(st, 1, sp->kind);
    sql_bind_text(st, 2, sp->id);
    sql_bind_text(st, 3, sp->system);
    sql_bind_int64(st, 4, (int64_t)sp->quota_bytes);
    sql_bind_text(st, 5, *sp->bucket ? sp->bucket : NULL);
    sql_bind_int64(st, 6, sp->created_ms);
    int r = sql_step(st);
    rc = r == SQLDB_DONE ? 0 : r == SQLDB_CONSTRAINT ? CAIRN_EEXIST : msql_err(m, "insert space");
    sqldb_finalize(st);
  }
  if (!rc && *sp->bucket) {
    int64_t n = 0;
    sqlst *q;   /* a new space over a bucket counts what the bucket holds already */
    if (!sqldb_prepare(m->db, "SELECT COUNT(*) FROM space_blocks WHERE bucket = ?", &q)) {
      sql_bind_text(q, 1, sp->bucket);
      if (sql_step(q) == SQLDB_ROW) n = sql_column_int64(q, 0);
      sqldb_finalize(q);
    }
    if (!n) rc = recount(m, sp->bucket);
  }
  int e = msql_exec(m, rc ? "ROLLBACK" : "COMMIT");
  return rc ? rc : e;
}

int msql_space_delete(void *impl, const char *kind, const char *id) {
  struct msql *m = impl;
  int rc = msql_exec(m, "BEGIN IMMEDIATE");
  if (rc) return rc;
  struct meta_space sp;
  rc = msql_space_get(m, kind, id, &sp);
  int n = 0;
  if (!rc && *sp.bucket) rc = exec_bind(m, "DELETE FROM space_blocks WHERE bucket = ?1", sp.bucket, NULL, 0, NULL);
  if (!rc) rc = exec_bind(m, "DELETE FROM space_members WHERE kind = ?1 AND id = ?2", kind, id, 0, NULL);
  if (!rc) rc = exec_bind(m, "DELETE FROM spaces WHERE kind = ?1 AND id = ?2", kind, id, 0, &n);
  int e = msql_exec(m, rc ? "ROLLBACK" : "COMMIT");
  return rc ? rc : e;
}

int msql_space_member_set(void *impl, const char *kind, const char *id, const char *user, const char *role) {
  struct msql *m = impl;
  sqlst *st;
  const char *sql = role ? "INSERT INTO space_members (kind, id, user_name, role) VALUES (?1, ?2, ?3, ?4)"
                           " ON CONFLICT (kind, id, user_name) DO UPDATE SET role = excluded.role"
                         : "DELETE FROM space_members WHERE kind = ?1 AND id = ?2 AND user_name = ?3";
  if (sqldb_prepare(m->db, sql, &st)) return msql_err(m, "prepare");
  sql_bind_text(st, 1, kind);
  sql_bind_text(st, 2, id);
  sql_bind_text(st, 3, user);
  if (role) sql_bind_text(st, 4, role);
  int r = sql_step(st);
  sqldb_finalize(st);
  return r == SQLDB_DONE ? 0 : msql_err(m, "space member");
}

/* by_user 0: the members of (kind, id); 1: the spaces user (in id) belongs to, kind ignored. */
int msql_space_members(void *impl, const char *kind, const char *id, int by_user, meta_member_cb cb, void *ctx) {
  struct msql *m = impl;
  sqlst *st;
  const char *sql = by_user ? "SELECT kind, id, user_name, role FROM space_members WHERE user_name = ?2 AND ?1 IS NOT NULL ORDER BY kind, id"
                            : "SELECT kind, id, user_name, role FROM space_members WHERE kind = ?1 AND id = ?2 ORDER BY user_name";
  if (sqldb_prepare(m->db, sql, &st)) return msql_err(m, "prepare");
  sql_bind_text(st, 1, kind);
  sql_bind_text(st, 2, id);
  int rc = 0;
  while (!rc && sql_step(st) == SQLDB_ROW) {
    struct meta_member mb;
    snprintf(mb.kind, sizeof mb.kind, "%s", sql_column_text(st, 0));
    snprintf(mb.id, sizeof mb.id, "%s", sql_column_text(st, 1));
    snprintf(mb.user, sizeof mb.user, "%s", sql_column_text(st, 2));
    snprintf(mb.role, sizeof mb.role, "%s", sql_column_text(st, 3));
    rc = cb(ctx, &mb);
  }
  sqldb_finalize(st);
  return rc;
}

int msql_space_usage_set(void *impl, const char *kind, const char *id, uint64_t used, uint64_t logical) {
  struct msql *m = impl;
  sqlst *st;
  if (sqldb_prepare(m->db, "UPDATE spaces SET used_bytes = ?3, logical_bytes = ?4 WHERE kind = ?1 AND id = ?2", &st))
    return msql_err(m, "prepare");
  sql_bind_text(st, 1, kind);
  sql_bind_text(st, 2, id);
  sql_bind_int64(st, 3, (int64_t)used);
  sql_bind_int64(st, 4, (int64_t)logical);
  int r = sql_step(st);
  sqldb_finalize(st);
  return r == SQLDB_DONE ? (sqldb_changes(m->db) ? 0 : CAIRN_ENOENT) : msql_err(m, "space usage");
}

int msql_space_sample(void *impl, int64_t at_ms, int64_t before_ms) {
  struct msql *m = impl;
  int rc = msql_exec(m, "BEGIN IMMEDIATE");
  if (rc) return rc;
  sqlst *st;
  rc = CAIRN_EDB;
  if (!sqldb_prepare(m->db, "INSERT INTO space_usage (kind, id, at_ms, used_bytes, logical_bytes)"
                                 " SELECT kind, id, ?1, used_bytes, logical_bytes FROM spaces WHERE true"
                                 " ON CONFLICT (kind, id, at_ms) DO UPDATE SET used_bytes = excluded.used_bytes,"
                                 " logical_bytes = excluded.logical_bytes", &st)) {
    sql_bind_int64(st, 1, at_ms);
    if (sql_step(st) == SQLDB_DONE) rc = 0;
    sqldb_finalize(st);
  }
  if (!rc && !sqldb_prepare(m->db, "DELETE FROM space_usage WHERE at_ms < ?1", &st)) {
    sql_bind_int64(st, 1, before_ms);
    if (sql_step(st) != SQLDB_DONE) rc = CAIRN_EDB;
    sqldb_finalize(st);
  }
  int e = msql_exec(m, rc ? "ROLLBACK" : "COMMIT");
  return rc ? msql_err(m, "space sample") : e;
}

int msql_space_samples(void *impl, const char *kind, const char *id, int64_t since_ms, meta_space_cb cb, void *ctx) {
  struct msql *m = impl;
  sqlst *st;
  if (sqldb_prepare(m->db, "SELECT at_ms, used_bytes, logical_bytes FROM space_usage WHERE kind = ?1 AND id = ?2"
                                " AND at_ms >= ?3 ORDER BY at_ms", &st))
    return msql_err(m, "prepare");
  sql_bind_text(st, 1, kind);
  sql_bind_text(st, 2, id);
  sql_bind_int64(st, 3, since_ms);
  int rc = 0;
  while (!rc && sql_step(st) == SQLDB_ROW) {
    struct meta_space sp = {0};
    snprintf(sp.kind, sizeof sp.kind, "%s", kind);
    snprintf(sp.id, sizeof sp.id, "%s", id);
    sp.created_ms = sql_column_int64(st, 0);
    sp.used_bytes = (uint64_t)sql_column_int64(st, 1);
    sp.logical_bytes = (uint64_t)sql_column_int64(st, 2);
    rc = cb(ctx, &sp);
  }
  sqldb_finalize(st);
  return rc;
}
