/* meta_sqlite_mirror.c - the SQLite side of regional mirror entries: read, upsert, delete. */
#include "meta_sqlite.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <stdio.h>
#include <string.h>

static char *dup_col(sqlite3_stmt *st, int i) {
  return sqlite3_column_type(st, i) == SQLITE_NULL ? NULL : xstrdup((const char *)sqlite3_column_text(st, i));
}

int msql_mirror_get(void *impl, const char *region, const char *url_hash, struct meta_mirror *e) {
  struct msql *m = impl;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(m->db, "SELECT url, state, task_id, etag, last_modified, size, expires_ms, http_status,"
                         " error, error_detail, updated_ms FROM mirror_entries WHERE region = ? AND url_hash = ?",
                         -1, &st, NULL))
    return msql_err(m, "prepare");
  sqlite3_bind_text(st, 1, region, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, url_hash, -1, SQLITE_STATIC);
  int r = sqlite3_step(st), rc = CAIRN_ENOENT;
  if (r == SQLITE_ROW) {
    memset(e, 0, sizeof *e);
    snprintf(e->region, sizeof e->region, "%s", region);
    snprintf(e->url_hash, sizeof e->url_hash, "%s", url_hash);
    e->url = dup_col(st, 0);
    snprintf(e->state, sizeof e->state, "%s", (const char *)sqlite3_column_text(st, 1));
    snprintf(e->task_id, sizeof e->task_id, "%s", (const char *)sqlite3_column_text(st, 2));
    snprintf(e->etag, sizeof e->etag, "%s", (const char *)sqlite3_column_text(st, 3));
    snprintf(e->last_modified, sizeof e->last_modified, "%s", (const char *)sqlite3_column_text(st, 4));
    e->size = (uint64_t)sqlite3_column_int64(st, 5);
    e->expires_ms = sqlite3_column_int64(st, 6);
    e->http_status = sqlite3_column_int(st, 7);
    e->error = dup_col(st, 8);
    e->error_detail = dup_col(st, 9);
    e->updated_ms = sqlite3_column_int64(st, 10);
    rc = 0;
  } else if (r != SQLITE_DONE) {
    rc = msql_err(m, "select mirror entry");
  }
  sqlite3_finalize(st);
  return rc;
}

int msql_mirror_put(void *impl, const struct meta_mirror *e) {
  struct msql *m = impl;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(m->db, "INSERT OR REPLACE INTO mirror_entries (region, url_hash, url, state, task_id, etag,"
                         " last_modified, size, expires_ms, http_status, error, error_detail, updated_ms)"
                         " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &st, NULL))
    return msql_err(m, "prepare");
  sqlite3_bind_text(st, 1, e->region, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, e->url_hash, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, e->url ? e->url : "", -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, e->state, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, e->task_id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, e->etag, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 7, e->last_modified, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 8, (sqlite3_int64)e->size);
  sqlite3_bind_int64(st, 9, e->expires_ms);
  sqlite3_bind_int(st, 10, e->http_status);
  if (e->error) sqlite3_bind_text(st, 11, e->error, -1, SQLITE_STATIC); else sqlite3_bind_null(st, 11);
  if (e->error_detail) sqlite3_bind_text(st, 12, e->error_detail, -1, SQLITE_STATIC); else sqlite3_bind_null(st, 12);
  sqlite3_bind_int64(st, 13, e->updated_ms);
  int r = sqlite3_step(st);
  sqlite3_finalize(st);
  return r == SQLITE_DONE ? 0 : msql_err(m, "upsert mirror entry");
}

int msql_mirror_delete(void *impl, const char *region, const char *url_hash) {
  struct msql *m = impl;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(m->db, "DELETE FROM mirror_entries WHERE region = ? AND url_hash = ?", -1, &st, NULL))
    return msql_err(m, "prepare");
  sqlite3_bind_text(st, 1, region, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, url_hash, -1, SQLITE_STATIC);
  int r = sqlite3_step(st);
  sqlite3_finalize(st);
  if (r != SQLITE_DONE) return msql_err(m, "delete mirror entry");
  return sqlite3_changes(m->db) ? 0 : CAIRN_ENOENT;
}
