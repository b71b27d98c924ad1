/* meta_sql_ds.c - datasets in SQL: versions (canonical manifest + block list), tags (version
 * tags never move, floating tags do) and the history of every tag move. */
#include "meta_sql.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <stdio.h>
#include <string.h>

static sqlst *prep(struct msql *m, const char *sql) {
  sqlst *st = NULL;
  if (sqldb_prepare(m->db, sql, &st)) { msql_err(m, "prepare"); return NULL; }
  return st;
}

/* Runs a statement without rows: 0, or CAIRN_EDB. */
static int step_done(struct msql *m, sqlst *st, const char *what) {
  int r = sql_step(st);
  sqldb_finalize(st);
  return r == SQLDB_DONE ? 0 : msql_err(m, what);
}

int msql_ds_version_put(void *impl, const char *dataset, const char *owner, const struct meta_dsversion *v) {
  struct msql *m = impl;
  int rc = msql_exec(m, "BEGIN IMMEDIATE");
  if (rc) return rc;
  sqlst *st = prep(m, "INSERT INTO datasets (name, created_ms, owner, space_bucket) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
  rc = CAIRN_EDB;
  if (st) {
    sql_bind_text(st, 1, dataset);
    sql_bind_int64(st, 2, v->created_ms);
    sql_bind_text(st, 3, owner ? owner : "");
    sql_bind_text(st, 4, v->space_bucket);
    rc = step_done(m, st, "insert dataset");
  }
  char bucket[64] = "";   /* the space the dataset counts in, as recorded at its creation */
  if (!rc && (st = prep(m, "SELECT space_bucket FROM datasets WHERE name = ?"))) {
    sql_bind_text(st, 1, dataset);
    if (sql_step(st) == SQLDB_ROW && !sql_column_isnull(st, 0))
      snprintf(bucket, sizeof bucket, "%s", sql_column_text(st, 0));
    sqldb_finalize(st);
  }
  if (!rc && (st = prep(m, "INSERT INTO ds_versions (dataset, id, manifest, blocks, size, files,"
                           " created_ms) VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING"))) {
    sql_bind_text(st, 1, dataset);
    sql_bind_text(st, 2, v->id);
    sql_bind_text(st, 3, v->manifest);
    sql_bind_text(st, 4, v->blocks);
    sql_bind_int64(st, 5, (int64_t)v->size);
    sql_bind_int64(st, 6, v->files);
    sql_bind_int64(st, 7, v->created_ms);
    rc = step_done(m, st, "insert version");
    if (!rc && *bucket && sqldb_changes(m->db)) {   /* a new version of a space's dataset */
      struct meta_object o = {0};
      snprintf(o.bucket, sizeof o.bucket, "%s", bucket);
      o.manifest = v->blocks;
      o.size = v->size;
      rc = msql_space_account(m, &o, 1);
      if (!rc) rc = msql_space_quota_check(m, bucket);
    }
  } else if (!rc) rc = CAIRN_EDB;
  int e = msql_exec(m, rc ? "ROLLBACK" : "COMMIT");
  return rc ? rc : e;
}

int msql_ds_version_get(void *impl, const char *dataset, const char *id, struct meta_dsversion *out) {
  struct msql *m = impl;
  sqlst *st = prep(m, "SELECT manifest, size, files, created_ms FROM ds_versions WHERE dataset = ? AND id = ?");
  if (!st) return CAIRN_EDB;
  sql_bind_text(st, 1, dataset);
  sql_bind_text(st, 2, id);
  int r = sql_step(st), rc = CAIRN_ENOENT;
  memset(out, 0, sizeof *out);
  if (r == SQLDB_ROW) {
    snprintf(out->id, sizeof out->id, "%s", id);
    out->manifest = xstrdup(sql_column_text(st, 0));
    out->size = (uint64_t)sql_column_int64(st, 1);
    out->files = sql_column_int64(st, 2);
    out->created_ms = sql_column_int64(st, 3);
    rc = 0;
  } else if (r != SQLDB_DONE) rc = msql_err(m, "select version");
  sqldb_finalize(st);
  return rc;
}

static void row_dataset(sqlst *st, struct meta_dataset *d) {
  memset(d, 0, sizeof *d);
  snprintf(d->name, sizeof d->name, "%s", sql_column_text(st, 0));
  d->public_read = sql_column_int(st, 1);
  d->created_ms = sql_column_int64(st, 2);
  d->ntags = sql_column_int(st, 3);
  snprintf(d->owner, sizeof d->owner, "%s", sql_column_text(st, 4));
}

#define DS_COLS "SELECT name, public_read, created_ms, (SELECT COUNT(*) FROM ds_tags t WHERE t.dataset = d.name), owner FROM datasets d"

int msql_ds_get(void *impl, const char *name, struct meta_dataset *out) {
  struct msql *m = impl;
  sqlst *st = prep(m, DS_COLS " WHERE name = ?");
  if (!st) return CAIRN_EDB;
  sql_bind_text(st, 1, name);
  int r = sql_step(st), rc = CAIRN_ENOENT;
  if (r == SQLDB_ROW) { row_dataset(st, out); rc = 0; }
  else if (r != SQLDB_DONE) rc = msql_err(m, "select dataset");
  sqldb_finalize(st);
  return rc;
}

int msql_ds_list(void *impl, const char *after, int limit, meta_dataset_cb cb, void *ctx) {
  struct msql *m = impl;
  sqlst *st = prep(m, DS_COLS " WHERE name > ? ORDER BY name LIMIT ?");
  if (!st) return CAIRN_EDB;
  sql_bind_text(st, 1, after ? after : "");
  sql_bind_int64(st, 2, limit);
  int rc = 0;
  struct meta_dataset d;
  while (!rc && sql_step(st) == SQLDB_ROW) { row_dataset(st, &d); rc = cb(ctx, &d); }
  sqldb_finalize(st);
  return rc;
}

int msql_ds_set_public(void *impl, const char *name, int on) {
  struct msql *m = impl;
  sqlst *st = prep(m, "UPDATE datasets SET public_read = ? WHERE name = ?");
  if (!st) return CAIRN_EDB;
  sql_bind_int64(st, 1, on);
  sql_bind_text(st, 2, name);
  int rc = step_done(m, st, "update dataset");
  return rc ? rc : sqldb_changes(m->db) ? 0 : CAIRN_ENOENT;
}

static void row_tag(sqlst *st, struct meta_dstag *t) {
  memset(t, 0, sizeof *t);
  snprintf(t->tag, sizeof t->tag, "%s", sql_column_text(st, 0));
  snprintf(t->version, sizeof t->version, "%s", sql_column_text(st, 1));
  t->floating = sql_column_int(st, 2);
  t->updated_ms = sql_column_int64(st, 3);
  if (sql_column_count(st) > 5) {
    t->size = (uint64_t)sql_column_int64(st, 4);
    t->files = sql_column_int64(st, 5);
  }
}

int msql_ds_tag_get(void *impl, const char *dataset, const char *tag, struct meta_dstag *out) {
  struct msql *m = impl;
  sqlst *st = prep(m, "SELECT tag, version, floating, updated_ms FROM ds_tags WHERE dataset = ? AND tag = ?");
  if (!st) return CAIRN_EDB;
  sql_bind_text(st, 1, dataset);
  sql_bind_text(st, 2, tag);
  int r = sql_step(st), rc = CAIRN_ENOENT;
  if (r == SQLDB_ROW) { row_tag(st, out); rc = 0; }
  else if (r != SQLDB_DONE) rc = msql_err(m, "select tag");
  sqldb_finalize(st);
  return rc;
}

static int history_add(struct msql *m, const char *dataset, const char *tag, const char *version, int64_t at) {
  sqlst *st = prep(m, "INSERT INTO ds_tag_history (dataset, tag, version, at_ms) VALUES (?,?,?,?)");
  if (!st) return CAIRN_EDB;
  sql_bind_text(st, 1, dataset);
  sql_bind_text(st, 2, tag);
  sql_bind_text(st, 3, version);
  sql_bind_int64(st, 4, at);
  return step_done(m, st, "insert tag history");
}

int msql_ds_tag_set(void *impl, const char *dataset, const struct meta_dstag *t) {
  struct msql *m = impl;
  int rc = msql_exec(m, "BEGIN IMMEDIATE");
  if (rc) return rc;
  struct meta_dsversion v;
  struct meta_dstag old;
  rc = msql_ds_version_get(m, dataset, t->version, &v);
  meta_dsversion_clear(&v);
  int have = 0;
  if (!rc) {
    int g = msql_ds_tag_get(m, dataset, t->tag, &old);
    if (g && g != CAIRN_ENOENT) rc = g;
    have = !g;
  }
  if (!rc && have && !strcmp(old.version, t->version)) goto out;   /* no move: nothing to record */
  if (!rc && have && !old.floating) rc = CAIRN_EEXIST;              /* version tags never move */
  sqlst *st;
  if (!rc && (st = prep(m, "INSERT INTO ds_tags (dataset, tag, version, floating, updated_ms) VALUES (?,?,?,?,?)"
                           " ON CONFLICT (dataset, tag) DO UPDATE SET version = excluded.version, floating = excluded.floating,"
                           " updated_ms = excluded.updated_ms"))) {
    sql_bind_text(st, 1, dataset);
    sql_bind_text(st, 2, t->tag);
    sql_bind_text(st, 3, t->version);
    sql_bind_int64(st, 4, t->floating);
    sql_bind_int64(st, 5, t->updated_ms);
    rc = step_done(m, st, "insert tag");
  } else if (!rc) rc = CAIRN_EDB;
  if (!rc) rc = history_add(m, dataset, t->tag, t->version, t->updated_ms);
out:;
  int e = msql_exec(m, rc ? "ROLLBACK" : "COMMIT");
  return rc ? rc : e;
}

int msql_ds_tag_delete(void *impl, const char *dataset, const char *tag, int64_t now_ms) {
  struct msql *m = impl;
  int rc = msql_exec(m, "BEGIN IMMEDIATE");
  if (rc) return rc;
  sqlst *st = prep(m, "DELETE FROM ds_tags WHERE dataset = ? AND tag = ?");
  rc = CAIRN_EDB;
  if (st) {
    sql_bind_text(st, 1, dataset);
    sql_bind_text(st, 2, tag);
    rc = step_done(m, st, "delete tag");
    if (!rc && !sqldb_changes(m->db)) rc = CAIRN_ENOENT;
  }
  if (!rc) rc = history_add(m, dataset, tag, "", now_ms);
  int e = msql_exec(m, rc ? "ROLLBACK" : "COMMIT");
  return rc ? rc : e;
}

int msql_ds_tag_list(void *impl, const char *dataset, const char *after, int limit, meta_dstag_cb cb, void *ctx) {
  struct msql *m = impl;
  sqlst *st = prep(m, "SELECT t.tag, t.version, t.floating, t.updated_ms, v.size, v.files FROM ds_tags t"
                             " JOIN ds_versions v ON v.dataset = t.dataset AND v.id = t.version"
                             " WHERE t.dataset = ? AND t.tag > ? ORDER BY t.tag LIMIT ?");
  if (!st) return CAIRN_EDB;
  sql_bind_text(st, 1, dataset);
  sql_bind_text(st, 2, after ? after : "");
  sql_bind_int64(st, 3, limit);
  int rc = 0;
  struct meta_dstag t;
  while (!rc && sql_step(st) == SQLDB_ROW) { row_tag(st, &t); rc = cb(ctx, &t); }
  sqldb_finalize(st);
  return rc;
}

int msql_ds_tag_history(void *impl, const char *dataset, const char *tag, meta_dstag_cb cb, void *ctx) {
  struct msql *m = impl;
  sqlst *st = prep(m, "SELECT tag, version, 0, at_ms FROM ds_tag_history WHERE dataset = ? AND tag = ?"
                             " ORDER BY at_ms, rowid");
  if (!st) return CAIRN_EDB;
  sql_bind_text(st, 1, dataset);
  sql_bind_text(st, 2, tag);
  int rc = 0;
  struct meta_dstag t;
  while (!rc && sql_step(st) == SQLDB_ROW) { row_tag(st, &t); rc = cb(ctx, &t); }
  sqldb_finalize(st);
  return rc;
}

int msql_ds_prune(void *impl, int64_t before_ms) {
  struct msql *m = impl;
  int rc = msql_exec(m, "BEGIN IMMEDIATE");
  if (rc) return rc;
  /* versions of a space's datasets leave its usage first */
  sqlst *st = prep(m, "SELECT d.space_bucket, v.blocks, v.size FROM ds_versions v JOIN datasets d ON d.name = v.dataset"
                             " WHERE d.space_bucket IS NOT NULL AND v.created_ms < ?1 AND NOT EXISTS"
                             " (SELECT 1 FROM ds_tags t WHERE t.dataset = v.dataset AND t.version = v.id)");
  if (!st) rc = CAIRN_EDB;
  else sql_bind_int64(st, 1, before_ms);
  while (!rc && sql_step(st) == SQLDB_ROW) {
    struct meta_object o = {0};
    snprintf(o.bucket, sizeof o.bucket, "%s", sql_column_text(st, 0));
    char *blocks = xstrdup(sql_column_text(st, 1));
    o.manifest = blocks;
    o.size = (uint64_t)sql_column_int64(st, 2);
    rc = msql_space_account(m, &o, -1);
    xfree(blocks);
  }
  if (st) sqldb_finalize(st);
  int n = 0;
  if (!rc && (st = prep(m, "DELETE FROM ds_versions WHERE created_ms < ? AND NOT EXISTS"
                           " (SELECT 1 FROM ds_tags t WHERE t.dataset = ds_versions.dataset AND t.version = ds_versions.id)"))) {
    sql_bind_int64(st, 1, before_ms);
    rc = step_done(m, st, "prune versions");
    n = sqldb_changes(m->db);
  } else if (!rc) rc = CAIRN_EDB;
  int e = msql_exec(m, rc ? "ROLLBACK" : "COMMIT");
  rc = rc ? rc : e;
  return rc ? (rc < 0 ? rc : -rc) : n;
}
