/* meta_sql_tasks.c - the SQL side of background tasks: adding one (coalesced by its dedup
 * key), claiming the next due one under a lease in one transaction, renewing and finishing it,
 * cancelling, reading and listing. */
#include "meta_sql.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <stdio.h>
#include <string.h>

#define TASK_COLS "SELECT id, kind, owner, payload, state, done, total, message, result, error, error_detail," \
  " attempts, max_attempts, cancel_requested, lease_owner, lease_until_ms, run_after_ms, dedup_key," \
  " created_ms, started_ms, finished_ms FROM tasks"

static char *col_dup(sqlst *st, int i) {
  return sql_column_isnull(st, i) ? NULL : xstrdup(sql_column_text(st, i));
}

static void row_to_task(sqlst *st, struct meta_task *t) {
  memset(t, 0, sizeof *t);
  snprintf(t->id, sizeof t->id, "%s", sql_column_text(st, 0));
  snprintf(t->kind, sizeof t->kind, "%s", sql_column_text(st, 1));
  snprintf(t->owner, sizeof t->owner, "%s", sql_column_text(st, 2));
  t->payload = col_dup(st, 3);
  snprintf(t->state, sizeof t->state, "%s", sql_column_text(st, 4));
  t->done = sql_column_int64(st, 5);
  t->total = sql_column_int64(st, 6);
  snprintf(t->message, sizeof t->message, "%s", sql_column_text(st, 7));
  t->result = col_dup(st, 8);
  t->error = col_dup(st, 9);
  t->error_detail = col_dup(st, 10);
  t->attempts = sql_column_int(st, 11);
  t->max_attempts = sql_column_int(st, 12);
  t->cancel_requested = sql_column_int(st, 13);
  snprintf(t->lease_owner, sizeof t->lease_owner, "%s", sql_column_text(st, 14));
  t->lease_until_ms = sql_column_int64(st, 15);
  t->run_after_ms = sql_column_int64(st, 16);
  t->dedup_key = col_dup(st, 17);
  t->created_ms = sql_column_int64(st, 18);
  t->started_ms = sql_column_int64(st, 19);
  t->finished_ms = sql_column_int64(st, 20);
}

static int select_one(struct msql *m, const char *sql, const char *id, struct meta_task *out) {
  sqlst *st;
  if (sqldb_prepare(m->db, sql, &st)) return msql_err(m, "prepare");
  sql_bind_text(st, 1, id);
  int r = sql_step(st), rc = CAIRN_ENOENT;
  if (r == SQLDB_ROW) { row_to_task(st, out); rc = 0; }
  else if (r != SQLDB_DONE) rc = msql_err(m, "select task");
  sqldb_finalize(st);
  return rc;
}

int msql_task_add(void *impl, struct meta_task *t) {
  struct msql *m = impl;
  sqlst *st;
  if (sqldb_prepare(m->db, "INSERT INTO tasks (id, kind, owner, payload, state, max_attempts, run_after_ms,"
                         " dedup_key, created_ms) VALUES (?,?,?,?,'queued',?,?,?,?)", &st))
    return msql_err(m, "prepare");
  sql_bind_text(st, 1, t->id);
  sql_bind_text(st, 2, t->kind);
  sql_bind_text(st, 3, t->owner);
  sql_bind_text(st, 4, t->payload ? t->payload : "{}");
  sql_bind_int64(st, 5, t->max_attempts > 0 ? t->max_attempts : 1);
  sql_bind_int64(st, 6, t->run_after_ms);
  sql_bind_text(st, 7, t->dedup_key);
  sql_bind_int64(st, 8, t->created_ms);
  int r = sql_step(st);
  sqldb_finalize(st);
  if (r == SQLDB_DONE) { snprintf(t->state, sizeof t->state, "queued"); return 0; }
  if (r != SQLDB_CONSTRAINT || !t->dedup_key) return msql_err(m, "insert task");
  /* the same work is already queued or running: hand back that task */
  if (sqldb_prepare(m->db, "SELECT id FROM tasks WHERE dedup_key = ? AND state IN ('queued','running')", &st))
    return msql_err(m, "prepare");
  sql_bind_text(st, 1, t->dedup_key);
  int rc = CAIRN_EDB;
  if (sql_step(st) == SQLDB_ROW) {
    snprintf(t->id, sizeof t->id, "%s", sql_column_text(st, 0));
    rc = CAIRN_EEXIST;
  }
  sqldb_finalize(st);
  return rc;
}

static int exec_bound(struct msql *m, const char *sql, int64_t a, const char *s) {
  sqlst *st;
  if (sqldb_prepare(m->db, sql, &st)) return msql_err(m, "prepare");
  sql_bind_int64(st, 1, a);
  if (s) sql_bind_text(st, 2, s);
  int r = sql_step(st);
  sqldb_finalize(st);
  return r == SQLDB_DONE ? 0 : msql_err(m, "update tasks");
}

/* Tasks whose worker died: canceled if that was asked, failed when out of attempts. */
static int settle_lost(struct msql *m, int64_t now) {
  int rc = exec_bound(m, "UPDATE tasks SET state = 'canceled', finished_ms = ?1, lease_owner = ''"
                         " WHERE state = 'running' AND lease_until_ms < ?1 AND cancel_requested = 1", now, NULL);
  if (!rc)
    rc = exec_bound(m, "UPDATE tasks SET state = 'failed', finished_ms = ?1, lease_owner = '',"
                       " error = 'the worker running it stopped', error_detail = 'lease expired on the last attempt'"
                       " WHERE state = 'running' AND lease_until_ms < ?1 AND attempts >= max_attempts", now, NULL);
  return rc;
}

int msql_task_claim(void *impl, const char *owner, int64_t now, int64_t lease_ms, struct meta_task *out, int64_t *next_ms) {
  struct msql *m = impl;
  *next_ms = 0;
  int rc = msql_exec(m, "BEGIN IMMEDIATE");
  if (rc) return rc;
  if ((rc = settle_lost(m, now))) goto out;
  sqlst *st;
  rc = CAIRN_EDB;
  if (sqldb_prepare(m->db, "SELECT id FROM tasks WHERE (state = 'queued' AND run_after_ms <= ?1)"
                         " OR (state = 'running' AND lease_until_ms < ?1) ORDER BY created_ms, id LIMIT 1", &st)) { msql_err(m, "prepare"); goto out; }
  sql_bind_int64(st, 1, now);
  int r = sql_step(st);
  char id[33] = "";
  if (r == SQLDB_ROW) snprintf(id, sizeof id, "%s", sql_column_text(st, 0));
  sqldb_finalize(st);
  if (r != SQLDB_ROW && r != SQLDB_DONE) { msql_err(m, "select task"); goto out; }
  if (!*id) {
    rc = CAIRN_ENOENT;
    if (sqldb_prepare(m->db, "SELECT MIN(CASE WHEN state = 'queued' THEN run_after_ms ELSE lease_until_ms END)"
                           " FROM tasks WHERE state IN ('queued','running')", &st) == 0) {
      if (sql_step(st) == SQLDB_ROW && !sql_column_isnull(st, 0)) *next_ms = sql_column_int64(st, 0);
      sqldb_finalize(st);
    }
    goto out;
  }
  if (sqldb_prepare(m->db, "UPDATE tasks SET state = 'running', lease_owner = ?1, lease_until_ms = ?2,"
                         " attempts = attempts + 1, started_ms = ?3 WHERE id = ?4", &st)) {
    msql_err(m, "prepare");
    goto out;
  }
  sql_bind_text(st, 1, owner);
  sql_bind_int64(st, 2, now + lease_ms);
  sql_bind_int64(st, 3, now);
  sql_bind_text(st, 4, id);
  r = sql_step(st);
  sqldb_finalize(st);
  if (r != SQLDB_DONE) { msql_err(m, "claim task"); goto out; }
  rc = select_one(m, TASK_COLS " WHERE id = ?", id, out);
out:
  if (rc && rc != CAIRN_ENOENT) msql_exec(m, "ROLLBACK");
  else if (msql_exec(m, "COMMIT")) { msql_exec(m, "ROLLBACK"); if (!rc) meta_task_clear(out); rc = CAIRN_EDB; }
  return rc;
}

int msql_task_renew(void *impl, const char *id, const char *owner, int64_t until, int64_t done, int64_t total,
                    const char *message) {
  struct msql *m = impl;
  sqlst *st;
  if (sqldb_prepare(m->db, "UPDATE tasks SET lease_until_ms = ?, done = ?, total = ?, message = ?"
                         " WHERE id = ? AND lease_owner = ? AND state = 'running' RETURNING cancel_requested", &st))
    return msql_err(m, "prepare");
  sql_bind_int64(st, 1, until);
  sql_bind_int64(st, 2, done);
  sql_bind_int64(st, 3, total);
  sql_bind_text(st, 4, message ? message : "");
  sql_bind_text(st, 5, id);
  sql_bind_text(st, 6, owner);
  int r = sql_step(st), rc = CAIRN_ENOENT;
  if (r == SQLDB_ROW) rc = sql_column_int(st, 0) ? 1 : 0;
  else if (r != SQLDB_DONE) rc = msql_err(m, "renew task");
  sqldb_finalize(st);
  return rc;
}

int msql_task_finish(void *impl, const struct meta_task *t) {
  struct msql *m = impl;
  sqlst *st;
  if (sqldb_prepare(m->db, "UPDATE tasks SET state = ?1, result = ?2, error = ?3, error_detail = ?4,"
                         " run_after_ms = ?5, finished_ms = ?6, done = ?7, total = ?8, message = ?9,"
                         " lease_owner = '', lease_until_ms = 0"
                         " WHERE id = ?10 AND lease_owner = ?11 AND state = 'running'", &st))
    return msql_err(m, "prepare");
  sql_bind_text(st, 1, t->state);
  sql_bind_text(st, 2, t->result);
  sql_bind_text(st, 3, t->error);
  sql_bind_text(st, 4, t->error_detail);
  sql_bind_int64(st, 5, t->run_after_ms);
  sql_bind_int64(st, 6, t->finished_ms);
  sql_bind_int64(st, 7, t->done);
  sql_bind_int64(st, 8, t->total);
  sql_bind_text(st, 9, t->message);
  sql_bind_text(st, 10, t->id);
  sql_bind_text(st, 11, t->lease_owner);
  int r = sql_step(st);
  sqldb_finalize(st);
  if (r != SQLDB_DONE) return msql_err(m, "finish task");
  return sqldb_changes(m->db) ? 0 : CAIRN_ENOENT;
}

int msql_task_get(void *impl, const char *id, struct meta_task *out) {
  return select_one(impl, TASK_COLS " WHERE id = ?", id, out);
}

int msql_task_list(void *impl, const char *state, const char *kind, const char *after, int limit, meta_task_cb cb, void *ctx) {
  struct msql *m = impl;
  sqlst *st;
  if (sqldb_prepare(m->db, TASK_COLS " WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR kind = ?2)"
                         " AND (?3 IS NULL OR id < ?3) ORDER BY id DESC LIMIT ?4", &st))
    return msql_err(m, "prepare");
  sql_bind_text(st, 1, state);
  sql_bind_text(st, 2, kind);
  sql_bind_text(st, 3, after && *after ? after : NULL);
  sql_bind_int64(st, 4, limit);
  int rc = 0, r;
  while (!rc && (r = sql_step(st)) == SQLDB_ROW) {
    struct meta_task t;
    row_to_task(st, &t);
    rc = cb(ctx, &t);
    meta_task_clear(&t);
  }
  sqldb_finalize(st);
  return rc;
}

int msql_task_cancel(void *impl, const char *id, int64_t now, char state[12]) {
  struct msql *m = impl;
  int rc = msql_exec(m, "BEGIN IMMEDIATE");
  if (rc) return rc;
  struct meta_task t;
  if ((rc = select_one(m, TASK_COLS " WHERE id = ?", id, &t))) goto out;
  snprintf(state, 12, "%s", t.state);
  if (!strcmp(t.state, "queued")) {
    rc = exec_bound(m, "UPDATE tasks SET state = 'canceled', finished_ms = ?1 WHERE id = ?2", now, id);
    if (!rc) snprintf(state, 12, "canceled");
  } else if (!strcmp(t.state, "running")) {
    rc = exec_bound(m, "UPDATE tasks SET cancel_requested = 1 WHERE id = ?2 AND ?1 >= 0", now, id);
  } else {
    rc = CAIRN_ECONFLICT;
  }
  meta_task_clear(&t);
out:
  msql_exec(m, rc ? "ROLLBACK" : "COMMIT");
  return rc;
}

int msql_task_prune(void *impl, int64_t before, int64_t routine) {
  struct msql *m = impl;
  int rc = exec_bound(m, "DELETE FROM tasks WHERE state IN ('succeeded','failed','canceled') AND finished_ms < ?1",
                      before, NULL);
  if (!rc) rc = exec_bound(m, "DELETE FROM tasks WHERE state = 'succeeded' AND owner = '' AND finished_ms < ?1", routine, NULL);
  return rc ? rc : sqldb_changes(m->db);
}

int msql_task_counts(void *impl, meta_task_count_cb cb, void *ctx) {
  struct msql *m = impl;
  sqlst *st;
  if (sqldb_prepare(m->db, "SELECT kind, state, COUNT(*) FROM tasks GROUP BY kind, state", &st))
    return msql_err(m, "prepare");
  int rc = 0;
  while (!rc && sql_step(st) == SQLDB_ROW)
    rc = cb(ctx, sql_column_text(st, 0), sql_column_text(st, 1),
            (uint64_t)sql_column_int64(st, 2));
  sqldb_finalize(st);
  return rc;
}

/* Catalog sizes: one statement of scalar subqueries (a consistent snapshot). */
int msql_counts(void *impl, struct meta_counts *out) {
  struct msql *m = impl;
  sqlst *st;
  if (sqldb_prepare(m->db, "SELECT (SELECT COUNT(*) FROM buckets), (SELECT COUNT(*) FROM objects),"
                         " (SELECT COALESCE(SUM(size),0) FROM objects), (SELECT COUNT(*) FROM uploads),"
                         " (SELECT COUNT(*) FROM datasets), (SELECT COUNT(*) FROM ds_versions),"
                         " (SELECT COALESCE(SUM(size),0) FROM ds_versions), (SELECT COUNT(*) FROM users)", &st))
    return msql_err(m, "prepare");
  int rc = CAIRN_EDB;
  if (sql_step(st) == SQLDB_ROW) {
    uint64_t *v[] = {&out->buckets, &out->objects, &out->object_bytes, &out->uploads, &out->datasets,
                     &out->versions, &out->version_bytes, &out->users};
    for (int i = 0; i < 8; i++) *v[i] = (uint64_t)sql_column_int64(st, i);
    rc = 0;
  }
  sqldb_finalize(st);
  return rc;
}
