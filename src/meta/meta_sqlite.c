/* meta_sqlite.c - the embedded metadata backend: one SQLite file in WAL mode, serialized
 * connection (SQLITE_OPEN_FULLMUTEX), synchronous=FULL so a committed change survives power loss. */
#include "meta.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/log.h"
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

struct msql { sqlite3 *db; };

static int db_err(struct msql *m, const char *what) {
  LOGE("sqlite %s: %s", what, sqlite3_errmsg(m->db));
  return CAIRN_EDB;
}

static int exec(struct msql *m, const char *sql) {
  char *e = NULL;
  if (sqlite3_exec(m->db, sql, NULL, NULL, &e) != SQLITE_OK) {
    LOGE("sqlite: %s: %s", e ? e : "?", sql);
    sqlite3_free(e);
    return CAIRN_EDB;
  }
  return 0;
}

static int s_schema_version(void *impl) {
  struct msql *m = impl;
  sqlite3_stmt *st;
  int v = 0;
  if (sqlite3_prepare_v2(m->db, "SELECT COALESCE(MAX(version),0) FROM schema_migrations", -1, &st, NULL))
    return 0;
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  return v;
}

static int migrate(struct msql *m) {
  int rc = exec(m, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
                   " applied_ms BIGINT NOT NULL)");
  if (rc) return rc;
  int have = s_schema_version(m);
  for (int i = 0; i < meta_nmigrations; i++) {
    if (meta_migrations[i].version <= have) continue;
    char ins[128];
    snprintf(ins, sizeof ins, "INSERT INTO schema_migrations VALUES (%d, strftime('%%s','now')*1000)",
             meta_migrations[i].version);
    if ((rc = exec(m, "BEGIN IMMEDIATE"))) return rc;
    if ((rc = exec(m, meta_migrations[i].sql)) || (rc = exec(m, ins))) {
      exec(m, "ROLLBACK");
      return rc;
    }
    if ((rc = exec(m, "COMMIT"))) return rc;
    LOGI("metadata schema migrated to version %d", meta_migrations[i].version);
  }
  return 0;
}

static int s_user_add(void *impl, const struct meta_user *u) {
  struct msql *m = impl;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(m->db, "INSERT INTO users (name, access_key, secret_sealed, role, enabled,"
                         " created_ms) VALUES (?,?,?,?,?,?)", -1, &st, NULL))
    return db_err(m, "prepare");
  sqlite3_bind_text(st, 1, u->name, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, u->access_key, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, u->secret_sealed, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, u->role, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 5, u->enabled);
  sqlite3_bind_int64(st, 6, u->created_ms);
  int r = sqlite3_step(st);
  sqlite3_finalize(st);
  if (r == SQLITE_CONSTRAINT) return CAIRN_EEXIST;
  return r == SQLITE_DONE ? 0 : db_err(m, "insert user");
}

static void row_to_user(sqlite3_stmt *st, struct meta_user *u) {
  memset(u, 0, sizeof *u);
  snprintf(u->name, sizeof u->name, "%s", (const char *)sqlite3_column_text(st, 0));
  snprintf(u->access_key, sizeof u->access_key, "%s", (const char *)sqlite3_column_text(st, 1));
  u->secret_sealed = xstrdup((const char *)sqlite3_column_text(st, 2));
  snprintf(u->role, sizeof u->role, "%s", (const char *)sqlite3_column_text(st, 3));
  u->enabled = sqlite3_column_int(st, 4);
  u->created_ms = sqlite3_column_int64(st, 5);
}

#define USER_COLS "SELECT name, access_key, secret_sealed, role, enabled, created_ms FROM users"

static int s_user_by_key(void *impl, const char *key, struct meta_user *out) {
  struct msql *m = impl;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(m->db, USER_COLS " WHERE access_key = ?", -1, &st, NULL))
    return db_err(m, "prepare");
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  int r = sqlite3_step(st), rc = CAIRN_ENOENT;
  if (r == SQLITE_ROW) { row_to_user(st, out); rc = 0; }
  else if (r != SQLITE_DONE) rc = db_err(m, "select user");
  sqlite3_finalize(st);
  return rc;
}

static int s_user_rm(void *impl, const char *name) {
  struct msql *m = impl;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(m->db, "DELETE FROM users WHERE name = ?", -1, &st, NULL))
    return db_err(m, "prepare");
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  int r = sqlite3_step(st);
  sqlite3_finalize(st);
  if (r != SQLITE_DONE) return db_err(m, "delete user");
  return sqlite3_changes(m->db) ? 0 : CAIRN_ENOENT;
}

static int s_user_list(void *impl, meta_user_cb cb, void *ctx) {
  struct msql *m = impl;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(m->db, USER_COLS " ORDER BY name", -1, &st, NULL)) return db_err(m, "prepare");
  int rc = 0;
  while (!rc && sqlite3_step(st) == SQLITE_ROW) {
    struct meta_user u;
    row_to_user(st, &u);
    rc = cb(ctx, &u);
    meta_user_clear(&u);
  }
  sqlite3_finalize(st);
  return rc;
}

static int s_ping(void *impl) { return exec(impl, "SELECT 1"); }

static void s_close(void *impl) {
  struct msql *m = impl;
  sqlite3_close(m->db);
  xfree(m);
}

static const struct meta_ops sqlite_ops = {
  s_user_add, s_user_by_key, s_user_rm, s_user_list, s_ping, s_schema_version, s_close,
};

int meta_open_sqlite(const char *path, meta_t **out) {
  struct msql *m = xcalloc(1, sizeof *m);
  if (sqlite3_open_v2(path, &m->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      NULL) != SQLITE_OK) {
    LOGE("cannot open %s: %s", path, m->db ? sqlite3_errmsg(m->db) : "out of memory");
    s_close(m);
    return CAIRN_EDB;
  }
  sqlite3_busy_timeout(m->db, 5000);
  int rc = exec(m, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON");
  if (!rc) rc = migrate(m);
  if (rc) { s_close(m); return rc; }
  *out = meta_wrap(&sqlite_ops, m);
  return 0;
}
