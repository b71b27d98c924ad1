/* meta_sql_versions.c - object versions in SQL (SQLite or PostgreSQL). The current version of a key stays in
 * `objects`, so reads and listings of current objects (and every unversioned bucket) are
 * untouched; noncurrent versions and delete markers live in `object_versions`. Invariant: when a
 * key has an `objects` row it is its newest version; otherwise the newest row of
 * `object_versions`, if any, is a delete marker. seq orders one key's versions, newest highest. */
#include "meta_sql.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <stdio.h>
#include <stdint.h>
#include <string.h>

/* Whether a version row is the key's newest: no current object and the highest seq. */
#define LATEST_EXPR "(CASE WHEN NOT EXISTS (SELECT 1 FROM objects c WHERE c.bucket = v.bucket AND c.key = v.key) AND" \
                    " v.seq = (SELECT MAX(w.seq) FROM object_versions w WHERE w.bucket = v.bucket AND w.key = v.key)" \
                    " THEN 1 ELSE 0 END)"
#define VERSION_COLS "v.bucket, v.key, v.size, v.etag, v.content_type, v.created_ms, v.manifest, v.headers, v.tags," \
                     " v.data, v.version_id, v.seq, v.delete_marker, v.noncurrent_ms, " LATEST_EXPR

/* Runs one statement with ?1 bucket, ?2 key, ?3 text (may be NULL), ?4 number; *changes (may be
 * NULL) gets the rows it changed. 0 or CAIRN_EDB. */
static int run(struct msql *m, const char *sql, const char *bucket, const char *key, const char *text,
               int64_t num, int *changes) {
  sqlst *st;
  if (sqldb_prepare(m->db, sql, &st)) return msql_err(m, "prepare");
  sql_bind_text(st, 1, bucket);
  sql_bind_text(st, 2, key);
  sql_bind_text(st, 3, text);
  sql_bind_int64(st, 4, num);
  int r = sql_step(st);
  sqldb_finalize(st);
  if (r != SQLDB_DONE && r != SQLDB_ROW) return msql_err(m, "version statement");
  if (changes) *changes = sqldb_changes(m->db);
  return 0;
}

/* One integer from a query with the same binding as run; *out = dflt when it returns no row or NULL. */
static int query_int(struct msql *m, const char *sql, const char *bucket, const char *key, const char *text,
                     int64_t dflt, int64_t *out) {
  sqlst *st;
  if (sqldb_prepare(m->db, sql, &st)) return msql_err(m, "prepare");
  sql_bind_text(st, 1, bucket);
  sql_bind_text(st, 2, key);
  sql_bind_text(st, 3, text);
  int r = sql_step(st);
  *out = r == SQLDB_ROW && !sql_column_isnull(st, 0) ? sql_column_int64(st, 0) : dflt;
  sqldb_finalize(st);
  return r == SQLDB_ROW || r == SQLDB_DONE ? 0 : msql_err(m, "version query");
}

/* Makes room for a new newest version vid of the key (called in a transaction): a version with
 * that id goes, and the current object becomes noncurrent at now_ms (or goes, when it is vid).
 * *seq: the new version's place. */
static int displace(struct msql *m, const char *bucket, const char *key, const char *vid, int64_t now_ms, int64_t *seq) {
  int64_t exists;
  int rc = query_int(m, "SELECT 1 FROM buckets WHERE name = ?1", bucket, key, NULL, 0, &exists);
  if (rc) return rc;
  if (!exists) return CAIRN_ENOSUCHBUCKET;
  rc = query_int(m, "SELECT MAX(seq) FROM (SELECT seq FROM objects WHERE bucket = ?1 AND key = ?2 UNION ALL"
                    " SELECT seq FROM object_versions WHERE bucket = ?1 AND key = ?2) AS s", bucket, key, NULL, -1, seq);
  if (rc) return rc;
  (*seq)++;
  if (msql_space_accounted(m, bucket))   /* the version replaced leaves a space's usage */
    rc = msql_space_account_rows(m, "SELECT manifest, data IS NOT NULL, size FROM object_versions WHERE bucket = ?1 AND key = ?2"
                                    " AND version_id = ?3 AND delete_marker = 0", bucket, key, vid, -1);
  if (!rc) rc = run(m, "DELETE FROM object_versions WHERE bucket = ?1 AND key = ?2 AND version_id = ?3", bucket, key, vid, 0, NULL);
  if (!rc) rc = run(m, "INSERT INTO object_versions (bucket, key, version_id, seq, delete_marker, size, etag, content_type,"
                       " manifest, created_ms, headers, tags, data, noncurrent_ms) SELECT bucket, key, version_id, seq, 0,"
                       " size, etag, content_type, manifest, created_ms, headers, tags, data, ?4 FROM objects"
                       " WHERE bucket = ?1 AND key = ?2 AND version_id <> ?3", bucket, key, vid, now_ms, NULL);
  if (!rc) rc = run(m, "DELETE FROM objects WHERE bucket = ?1 AND key = ?2", bucket, key, NULL, 0, NULL);
  return rc;
}

static const char *vid_of(const struct meta_object *o) { return *o->version_id ? o->version_id : "null"; }

int msql_put_version_locked(struct msql *m, const struct meta_object *o) {
  int64_t seq;
  int rc = displace(m, o->bucket, o->key, vid_of(o), o->created_ms, &seq);
  if (rc) return rc;
  struct meta_object c = *o;
  c.seq = seq;
  return msql_object_put(m, &c);
}

static int in_tx(struct msql *m, int rc) {
  int e = msql_exec(m, rc ? "ROLLBACK" : "COMMIT");
  return rc ? rc : e;
}

int msql_object_put_version(void *impl, const struct meta_object *o) {
  struct msql *m = impl;
  int rc = msql_exec(m, "BEGIN IMMEDIATE");
  return rc ? rc : in_tx(m, msql_put_version_locked(m, o));
}

int msql_object_delete_marker(void *impl, const struct meta_object *mk) {
  struct msql *m = impl;
  int rc = msql_exec(m, "BEGIN IMMEDIATE");
  if (rc) return rc;
  int64_t seq;
  rc = displace(m, mk->bucket, mk->key, vid_of(mk), mk->created_ms, &seq);
  if (!rc) {
    sqlst *st;
    rc = CAIRN_EDB;
    if (!sqldb_prepare(m->db, "INSERT INTO object_versions (bucket, key, version_id, seq, delete_marker, size, etag,"
                                   " content_type, manifest, created_ms, noncurrent_ms) VALUES (?1, ?2, ?3, ?4, 1, 0, '',"
                                   " '', '', ?5, ?5)", &st)) {
      sql_bind_text(st, 1, mk->bucket);
      sql_bind_text(st, 2, mk->key);
      sql_bind_text(st, 3, vid_of(mk));
      sql_bind_int64(st, 4, seq);
      sql_bind_int64(st, 5, mk->created_ms);
      if (sql_step(st) == SQLDB_DONE) rc = 0;
      else msql_err(m, "insert delete marker");
      sqldb_finalize(st);
    }
  }
  return in_tx(m, rc);
}

/* The first row of sql (bucket, key, vid bound) into out: 0 or CAIRN_ENOENT. */
static int one_row(struct msql *m, const char *sql, const char *bucket, const char *key, const char *vid,
                   struct meta_object *out) {
  sqlst *st;
  if (sqldb_prepare(m->db, sql, &st)) return msql_err(m, "prepare");
  sql_bind_text(st, 1, bucket);
  sql_bind_text(st, 2, key);
  if (vid) sql_bind_text(st, 3, vid);
  int r = sql_step(st), rc = CAIRN_ENOENT;
  if (r == SQLDB_ROW) { msql_row_to_object(st, out, 1); rc = 0; }
  else if (r != SQLDB_DONE) rc = msql_err(m, "select version");
  sqldb_finalize(st);
  return rc;
}

int msql_object_version_get(void *impl, const char *bucket, const char *key, const char *vid, struct meta_object *out) {
  struct msql *m = impl;
  int rc = one_row(m, vid ? "SELECT " MSQL_OBJECT_COLS ", 0, 0, 1 FROM objects WHERE bucket = ?1 AND key = ?2 AND version_id = ?3"
                          : "SELECT " MSQL_OBJECT_COLS ", 0, 0, 1 FROM objects WHERE bucket = ?1 AND key = ?2",
                   bucket, key, vid, out);
  if (rc == CAIRN_ENOENT)
    rc = one_row(m, vid ? "SELECT " VERSION_COLS " FROM object_versions v WHERE bucket = ?1 AND key = ?2 AND version_id = ?3"
                        : "SELECT " VERSION_COLS " FROM object_versions v WHERE bucket = ?1 AND key = ?2 ORDER BY seq DESC LIMIT 1",
                 bucket, key, vid, out);
  return rc == CAIRN_ENOENT ? (vid ? CAIRN_ENOSUCHVERSION : CAIRN_ENOSUCHKEY) : rc;
}

/* Keeps the invariant after a version went (in a transaction): without a current object, the
 * newest older version becomes current unless it is a delete marker. */
static int promote(struct msql *m, const char *bucket, const char *key) {
  int64_t current;
  int rc = query_int(m, "SELECT 1 FROM objects WHERE bucket = ?1 AND key = ?2", bucket, key, NULL, 0, &current);
  if (rc || current) return rc;
  struct meta_object prev;
  rc = one_row(m, "SELECT " VERSION_COLS " FROM object_versions v WHERE bucket = ?1 AND key = ?2 ORDER BY seq DESC LIMIT 1",
               bucket, key, NULL, &prev);
  if (rc) return rc == CAIRN_ENOENT ? 0 : rc;
  if (!prev.delete_marker) {
    rc = run(m, "INSERT INTO objects (bucket, key, size, etag, content_type, manifest, created_ms, headers, tags, data,"
                " version_id, seq) SELECT bucket, key, size, etag, content_type, manifest, created_ms, headers, tags,"
                " data, version_id, seq FROM object_versions WHERE bucket = ?1 AND key = ?2 AND version_id = ?3",
             bucket, key, prev.version_id, 0, NULL);
    if (!rc) rc = run(m, "DELETE FROM object_versions WHERE bucket = ?1 AND key = ?2 AND version_id = ?3",
                      bucket, key, prev.version_id, 0, NULL);
  }
  meta_object_clear(&prev);
  return rc;
}

int msql_object_version_delete(void *impl, const char *bucket, const char *key, const char *vid, int *was_marker) {
  struct msql *m = impl;
  *was_marker = 0;
  int rc = msql_exec(m, "BEGIN IMMEDIATE");
  if (rc) return rc;
  int n = 0;
  if (msql_space_accounted(m, bucket)) {   /* the version dropped leaves a space's usage */
    rc = msql_space_account_rows(m, "SELECT manifest, data IS NOT NULL, size FROM objects WHERE bucket = ?1 AND key = ?2 AND version_id = ?3"
                                    " UNION ALL SELECT manifest, data IS NOT NULL, size FROM object_versions WHERE bucket = ?1"
                                    " AND key = ?2 AND version_id = ?3 AND delete_marker = 0", bucket, key, vid, -1);
    if (rc) return in_tx(m, rc);
  }
  rc = run(m, "DELETE FROM objects WHERE bucket = ?1 AND key = ?2 AND version_id = ?3", bucket, key, vid, 0, &n);
  if (!rc && !n) {   /* not the current one: an older version or a delete marker */
    int64_t marker = -1;
    rc = query_int(m, "SELECT delete_marker FROM object_versions WHERE bucket = ?1 AND key = ?2 AND version_id = ?3",
                   bucket, key, vid, -1, &marker);
    if (!rc && marker < 0) rc = CAIRN_ENOSUCHVERSION;
    if (!rc) rc = run(m, "DELETE FROM object_versions WHERE bucket = ?1 AND key = ?2 AND version_id = ?3", bucket, key, vid, 0, NULL);
    if (!rc) *was_marker = marker == 1;
  }
  if (!rc) rc = promote(m, bucket, key);
  return in_tx(m, rc);
}

/* Each side is an index range ([lo, ceiling(prefix)), lo the larger of the marker and the prefix)
 * cut to one page before the two are merged, so a page costs its rows, not the bucket's. */
int msql_object_versions_list(void *impl, const char *bucket, const char *prefix, const char *after_key,
                              int64_t after_seq, int limit, meta_object_cb cb, void *ctx) {
  struct msql *m = impl;
  sqlst *st;
  if (strcmp(prefix, after_key) > 0) { after_key = prefix; after_seq = INT64_MAX; }   /* every version of it */
  /* byte order (BINARY collation) as S3; newest first within a key */
#define WHERE_ " WHERE bucket = ?1 AND key >= ?2 AND key < ?6 AND NOT (key = ?2 AND seq >= ?3) AND" \
               " substr(CAST(key AS BLOB), 1, length(CAST(?4 AS BLOB))) = CAST(?4 AS BLOB) ORDER BY key, seq DESC LIMIT ?5"
  if (sqldb_prepare(m->db, "SELECT * FROM (SELECT * FROM (SELECT bucket, key, size, etag, content_type, created_ms, NULL,"
                                " headers, tags, NULL, version_id, seq, 0, 0, 1 FROM objects" WHERE_ ") AS c UNION ALL"
                                " SELECT * FROM (SELECT v.bucket, v.key, v.size, v.etag, v.content_type, v.created_ms, NULL,"
                                " v.headers, v.tags, NULL, v.version_id, v.seq, v.delete_marker, v.noncurrent_ms, " LATEST_EXPR
                                " FROM object_versions v" WHERE_ ") AS o) AS u ORDER BY key, seq DESC LIMIT ?5", &st))
    return msql_err(m, "prepare");   /* not cached: a callback may list again */
#undef WHERE_
  char *ceil = meta_key_ceiling(prefix, strlen(prefix));
  sql_bind_text(st, 1, bucket);
  sql_bind_text(st, 2, after_key);
  sql_bind_int64(st, 3, after_seq);
  sql_bind_text(st, 4, prefix);
  sql_bind_int64(st, 5, limit);
  sql_bind_text(st, 6, ceil);
  int rc = msql_objects_each(st, cb, ctx);
  xfree(ceil);
  return rc;
}
