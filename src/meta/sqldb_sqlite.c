/* sqldb_sqlite.c - the SQLite driver of sqldb.h: a thin layer over sqlite3's statements. Bound
 * strings and blobs are not copied (SQLITE_STATIC): they must live until the statement is reset. */
#include "sqldb.h"
#include "../util/alloc.h"
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

struct lite_db { sqldb base; sqlite3 *db; };
struct lite_st { sqlst base; sqlite3_stmt *st; };

static const struct sqldb_ops lite_ops;

static int l_prepare(sqldb *d, const char *sql, sqlst **out) {
  struct lite_db *db = (struct lite_db *)d;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v3(db->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL)) return SQLDB_ERROR;
  struct lite_st *s = xmalloc(sizeof *s);
  s->base.ops = &lite_ops;
  s->base.db = d;
  s->st = st;
  *out = &s->base;
  return 0;
}

static void l_finalize(sqlst *s) { sqlite3_finalize(((struct lite_st *)s)->st); xfree(s); }
static void l_reset(sqlst *s) {
  sqlite3_stmt *st = ((struct lite_st *)s)->st;
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
}
#define ST(s) (((struct lite_st *)(s))->st)
static void l_bind_text(sqlst *s, int i, const char *v) {
  if (v) sqlite3_bind_text(ST(s), i, v, -1, SQLITE_STATIC);
  else sqlite3_bind_null(ST(s), i);
}
static void l_bind_int64(sqlst *s, int i, int64_t v) { sqlite3_bind_int64(ST(s), i, v); }
static void l_bind_blob(sqlst *s, int i, const void *p, size_t n) { sqlite3_bind_blob(ST(s), i, n ? p : "", (int)n, SQLITE_STATIC); }
static void l_bind_null(sqlst *s, int i) { sqlite3_bind_null(ST(s), i); }
static int l_step(sqlst *s) {
  int r = sqlite3_step(ST(s));
  if (r == SQLITE_ROW) return SQLDB_ROW;
  if (r == SQLITE_DONE) return SQLDB_DONE;
  return (r & 0xff) == SQLITE_CONSTRAINT ? SQLDB_CONSTRAINT : SQLDB_ERROR;
}
static const char *l_column_text(sqlst *s, int i) { return (const char *)sqlite3_column_text(ST(s), i); }
static int64_t l_column_int64(sqlst *s, int i) { return sqlite3_column_int64(ST(s), i); }
static int l_column_isnull(sqlst *s, int i) { return sqlite3_column_type(ST(s), i) == SQLITE_NULL; }
static const void *l_column_blob(sqlst *s, int i, size_t *n) {
  const void *p = sqlite3_column_blob(ST(s), i);
  *n = (size_t)sqlite3_column_bytes(ST(s), i);
  return p;
}
static int l_column_count(sqlst *s) { return sqlite3_column_count(ST(s)); }
static const char *l_column_name(sqlst *s, int i) { return sqlite3_column_name(ST(s), i); }
static int l_column_type(sqlst *s, int i) {
  switch (sqlite3_column_type(ST(s), i)) {
  case SQLITE_NULL: return SQLDB_T_NULL;
  case SQLITE_INTEGER: return SQLDB_T_INT;
  case SQLITE_BLOB: return SQLDB_T_BLOB;
  default: return SQLDB_T_TEXT;   /* text, and the rare float (kept as its text) */
  }
}
static int64_t l_changes(sqldb *d) { return sqlite3_changes(((struct lite_db *)d)->db); }
static int l_exec(sqldb *d, const char *sql) {
  return sqlite3_exec(((struct lite_db *)d)->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : SQLDB_ERROR;
}
static const char *l_errmsg(sqldb *d) { return sqlite3_errmsg(((struct lite_db *)d)->db); }
static void l_close(sqldb *d) {
  struct lite_db *db = (struct lite_db *)d;
  sqlite3_close(db->db);
  xfree(db);
}

static const struct sqldb_ops lite_ops = {
  l_prepare, l_finalize, l_reset, l_bind_text, l_bind_int64, l_bind_blob, l_bind_null, l_step,
  l_column_text, l_column_int64, l_column_isnull, l_column_blob, l_column_count, l_column_name, l_column_type, l_changes, l_exec,
  l_errmsg, l_close, NULL,
};

int sqldb_open_sqlite(const char *path, sqldb **out, char *err, size_t errlen) {
  sqlite3 *h = NULL;
  if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL)) {
    snprintf(err, errlen, "cannot open %s: %s", path, h ? sqlite3_errmsg(h) : "out of memory");
    sqlite3_close(h);
    return SQLDB_ERROR;
  }
  sqlite3_busy_timeout(h, 5000);
  struct lite_db *db = xcalloc(1, sizeof *db);
  db->base.ops = &lite_ops;
  db->db = h;
  *out = &db->base;
  return 0;
}
