/* meta_sql_mirror.c - the SQL side of regional mirror entries: read, list, upsert, delete. */
#include "meta_sql.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <stdio.h>
#include <string.h>

static char *dup_col(sqlst *st, int i) {
  return sql_column_isnull(st, i) ? NULL : xstrdup(sql_column_text(st, i));
}

#define MIRROR_COLS "url, state, task_id, etag, last_modified, size, expires_ms, http_status, error, error_detail, updated_ms"

/* The row's columns from `first` on (MIRROR_COLS order) into e; url, error, error_detail on the heap. */
static void read_entry(sqlst *st, int first, struct meta_mirror *e) {
  e->url = dup_col(st, first);
  snprintf(e->state, sizeof e->state, "%s", sql_column_text(st, first + 1));
  snprintf(e->task_id, sizeof e->task_id, "%s", sql_column_text(st, first + 2));
  snprintf(e->etag, sizeof e->etag, "%s", sql_column_text(st, first + 3));
  snprintf(e->last_modified, sizeof e->last_modified, "%s", sql_column_text(st, first + 4));
  e->size = (uint64_t)sql_column_int64(st, first + 5);
  e->expires_ms = sql_column_int64(st, first + 6);
  e->http_status = sql_column_int(st, first + 7);
  e->error = dup_col(st, first + 8);
  e->error_detail = dup_col(st, first + 9);
  e->updated_ms = sql_column_int64(st, first + 10);
}

int msql_mirror_get(void *impl, const char *region, const char *url_hash, struct meta_mirror *e) {
  struct msql *m = impl;
  sqlst *st;
  if (sqldb_prepare(m->db, "SELECT " MIRROR_COLS " FROM mirror_entries WHERE region = ? AND url_hash = ?", &st))
    return msql_err(m, "prepare");
  sql_bind_text(st, 1, region);
  sql_bind_text(st, 2, url_hash);
  int r = sql_step(st), rc = CAIRN_ENOENT;
  if (r == SQLDB_ROW) {
    memset(e, 0, sizeof *e);
    snprintf(e->region, sizeof e->region, "%s", region);
    snprintf(e->url_hash, sizeof e->url_hash, "%s", url_hash);
    read_entry(st, 0, e);
    rc = 0;
  } else if (r != SQLDB_DONE) {
    rc = msql_err(m, "select mirror entry");
  }
  sqldb_finalize(st);
  return rc;
}

int msql_mirror_list(void *impl, const char *after_region, const char *after_hash, int limit, meta_mirror_cb cb, void *ctx) {
  struct msql *m = impl;
  sqlst *st;
  if (sqldb_prepare(m->db, "SELECT region, url_hash, " MIRROR_COLS " FROM mirror_entries WHERE region > ? OR"
                         " (region = ? AND url_hash > ?) ORDER BY region, url_hash LIMIT ?", &st))
    return msql_err(m, "prepare");
  sql_bind_text(st, 1, after_region);
  sql_bind_text(st, 2, after_region);
  sql_bind_text(st, 3, after_hash);
  sql_bind_int64(st, 4, limit);
  int r, rc = 0;
  while (!rc && (r = sql_step(st)) == SQLDB_ROW) {
    struct meta_mirror e = {0};
    snprintf(e.region, sizeof e.region, "%s", sql_column_text(st, 0));
    snprintf(e.url_hash, sizeof e.url_hash, "%s", sql_column_text(st, 1));
    read_entry(st, 2, &e);
    rc = cb(ctx, &e);
    meta_mirror_clear(&e);
  }
  if (!rc && r != SQLDB_DONE) rc = msql_err(m, "list mirror entries");
  sqldb_finalize(st);
  return rc;
}

int msql_mirror_put(void *impl, const struct meta_mirror *e) {
  struct msql *m = impl;
  sqlst *st;
  if (sqldb_prepare(m->db, "INSERT INTO mirror_entries (region, url_hash, url, state, task_id, etag,"
                         " last_modified, size, expires_ms, http_status, error, error_detail, updated_ms)"
                         " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (region, url_hash) DO UPDATE SET url = excluded.url,"
                         " state = excluded.state, task_id = excluded.task_id, etag = excluded.etag,"
                         " last_modified = excluded.last_modified, size = excluded.size, expires_ms = excluded.expires_ms,"
                         " http_status = excluded.http_status, error = excluded.error, error_detail = excluded.error_detail,"
                         " updated_ms = excluded.updated_ms", &st))
    return msql_err(m, "prepare");
  sql_bind_text(st, 1, e->region);
  sql_bind_text(st, 2, e->url_hash);
  sql_bind_text(st, 3, e->url ? e->url : "");
  sql_bind_text(st, 4, e->state);
  sql_bind_text(st, 5, e->task_id);
  sql_bind_text(st, 6, e->etag);
  sql_bind_text(st, 7, e->last_modified);
  sql_bind_int64(st, 8, (int64_t)e->size);
  sql_bind_int64(st, 9, e->expires_ms);
  sql_bind_int64(st, 10, e->http_status);
  sql_bind_text(st, 11, e->error);
  sql_bind_text(st, 12, e->error_detail);
  sql_bind_int64(st, 13, e->updated_ms);
  int r = sql_step(st);
  sqldb_finalize(st);
  return r == SQLDB_DONE ? 0 : msql_err(m, "upsert mirror entry");
}

int msql_mirror_delete(void *impl, const char *region, const char *url_hash) {
  struct msql *m = impl;
  sqlst *st;
  if (sqldb_prepare(m->db, "DELETE FROM mirror_entries WHERE region = ? AND url_hash = ?", &st))
    return msql_err(m, "prepare");
  sql_bind_text(st, 1, region);
  sql_bind_text(st, 2, url_hash);
  int r = sql_step(st);
  sqldb_finalize(st);
  if (r != SQLDB_DONE) return msql_err(m, "delete mirror entry");
  return sqldb_changes(m->db) ? 0 : CAIRN_ENOENT;
}
