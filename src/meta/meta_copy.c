/* meta_copy.c - `cairn migrate`: copies an embedded installation's metadata (SQLite) into an
 * empty database (PostgreSQL) in one transaction. Both are first brought to the same schema
 * version by the numbered migrations; then every table, in the order the migrations created it
 * (parents before the rows that reference them), is copied row by row with its column names, each
 * value bound with its own type. The target must hold no users, buckets or datasets. */
#include "meta.h"
#include "sqldb.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/sbuf.h"
#include <stdio.h>
#include <string.h>

static int open_raw(const char *where, sqldb **db, char *err, size_t errlen) {
  if (meta_is_postgres(where)) return sqldb_open_pg(where, db, err, errlen);
  return sqldb_open_sqlite(where, db, err, errlen);
}

static int64_t query_int(sqldb *db, const char *sql) {
  sqlst *st;
  int64_t v = -1;
  if (sqldb_prepare(db, sql, &st)) return -1;
  if (sql_step(st) == SQLDB_ROW) v = sql_column_int64(st, 0);
  sqldb_finalize(st);
  return v;
}

/* Copies table t; the number of rows or < 0 (err set). */
static int64_t copy_table(sqldb *src, sqldb *dst, const char *t, char *err, size_t errlen) {
  char q[128];
  snprintf(q, sizeof q, "SELECT * FROM %s", t);
  sqlst *in, *out = NULL;
  if (sqldb_prepare(src, q, &in)) { snprintf(err, errlen, "reading %s: %s", t, sqldb_errmsg(src)); return -1; }
  int64_t n = 0;
  int r;
  while ((r = sql_step(in)) == SQLDB_ROW) {
    int nc = sql_column_count(in);
    if (!out) {   /* the INSERT, from the first row's column names */
      sbuf_t b = {0};
      sbuf_printf(&b, "INSERT INTO %s (", t);
      for (int i = 0; i < nc; i++) sbuf_printf(&b, "%s%s", i ? ", " : "", sql_column_name(in, i));
      sbuf_printf(&b, ") VALUES (");
      for (int i = 0; i < nc; i++) sbuf_printf(&b, "%s?%d", i ? ", " : "", i + 1);
      sbuf_printf(&b, ")");
      int prc = sqldb_prepare(dst, b.s, &out);
      sbuf_free(&b);
      if (prc) { snprintf(err, errlen, "writing %s: %s", t, sqldb_errmsg(dst)); sqldb_finalize(in); return -1; }
    }
    for (int i = 0; i < nc; i++) {
      size_t len;
      const void *p;
      switch (sql_column_type(in, i)) {
      case SQLDB_T_NULL: sql_bind_null(out, i + 1); break;
      case SQLDB_T_INT: sql_bind_int64(out, i + 1, sql_column_int64(in, i)); break;
      case SQLDB_T_BLOB: p = sql_column_blob(in, i, &len); sql_bind_blob(out, i + 1, p, len); break;
      default: sql_bind_text(out, i + 1, sql_column_text(in, i)); break;
      }
    }
    int w = sql_step(out);
    out->ops->reset(out);
    if (w != SQLDB_DONE) { snprintf(err, errlen, "writing %s: %s", t, sqldb_errmsg(dst)); n = -1; break; }
    n++;
  }
  if (n >= 0 && r != SQLDB_DONE) { snprintf(err, errlen, "reading %s: %s", t, sqldb_errmsg(src)); n = -1; }
  sqldb_finalize(in);
  sqldb_finalize(out);
  return n;
}

int meta_copy(const char *from, const char *to, uint64_t *rows, char *err, size_t errlen) {
  meta_t *a = NULL, *b = NULL;
  *rows = 0;
  if (meta_open(from, &a)) { snprintf(err, errlen, "cannot open the source metadata %s", from); return CAIRN_EDB; }
  int va = meta_schema_version(a);
  meta_close(a);
  if (meta_open(to, &b)) { snprintf(err, errlen, "cannot open the target database (see the log line before)"); return CAIRN_EDB; }
  int vb = meta_schema_version(b);
  meta_close(b);
  if (va != vb) { snprintf(err, errlen, "schema versions differ: %d and %d", va, vb); return CAIRN_ECONFLICT; }
  sqldb *src = NULL, *dst = NULL;
  int rc = open_raw(from, &src, err, errlen);
  if (!rc) rc = open_raw(to, &dst, err, errlen);
  if (rc) { sqldb_close(src); return CAIRN_EDB; }
  rc = CAIRN_EDB;
  if (src->pg) { snprintf(err, errlen, "the source must be an embedded (SQLite) installation"); rc = CAIRN_EINVAL; goto out; }
  if (query_int(dst, "SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM buckets) + (SELECT COUNT(*) FROM datasets)")) {
    snprintf(err, errlen, "the target database is not empty (it has users, buckets or datasets)");
    rc = CAIRN_EEXIST;
    goto out;
  }
  sqlst *tables;
  if (sqldb_prepare(src, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                         " AND name <> 'schema_migrations' ORDER BY rowid", &tables)) {
    snprintf(err, errlen, "listing tables: %s", sqldb_errmsg(src));
    goto out;
  }
  /* one snapshot of the source, one transaction in the target */
  if (sqldb_exec(src, "BEGIN") || sqldb_exec(dst, "BEGIN IMMEDIATE")) {
    snprintf(err, errlen, "cannot begin: %s", sqldb_errmsg(dst));
    sqldb_finalize(tables);
    goto out;
  }
  rc = 0;
  while (!rc && sql_step(tables) == SQLDB_ROW) {
    char t[64];
    snprintf(t, sizeof t, "%s", sql_column_text(tables, 0));
    int64_t n = copy_table(src, dst, t, err, errlen);
    if (n < 0) rc = CAIRN_EDB;
    else *rows += (uint64_t)n;
  }
  sqldb_finalize(tables);
  sqldb_exec(src, "COMMIT");
  if (rc) sqldb_exec(dst, "ROLLBACK");
  else if (sqldb_exec(dst, "COMMIT")) { snprintf(err, errlen, "commit: %s", sqldb_errmsg(dst)); rc = CAIRN_EDB; }
out:
  sqldb_close(src);
  sqldb_close(dst);
  return rc;
}
