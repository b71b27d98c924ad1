/* meta_sql.h - what the SQL metadata backend's files share (one implementation for SQLite and
 * PostgreSQL, over sqldb.h): the connection and a few helpers. Only meta_sql*.c include it. */
#ifndef CAIRN_META_SQL_H
#define CAIRN_META_SQL_H
#include "meta.h"
#include "sqldb.h"

struct msql {
  sqldb *db;
  int pg;   /* PostgreSQL: a few statements differ (m->pg ? ... : ...) */
  char *url;                          /* PostgreSQL: for the listener's own connection */
  struct sqldb_listener *listener;    /* meta_listen */
};

int msql_err(struct msql *m, const char *what);   /* logs, returns CAIRN_EDB */
/* A prepared statement for sql (a string literal: its address is the key), kept for reuse; give
 * it back with msql_release. Calls are serialized by meta.c. 0 or CAIRN_EDB. */
int msql_prepare_cached(struct msql *m, const char *sql, sqlst **st);
void msql_release(sqlst *st);
int msql_exec(struct msql *m, const char *sql);

/* An object row's columns, in the order msql_row_to_object reads them; a version row adds
 * delete_marker, noncurrent_ms and is_latest. */
#define MSQL_OBJECT_COLS "bucket, key, size, etag, content_type, created_ms, manifest, headers, tags, data, version_id, seq"
void msql_row_to_object(sqlst *st, struct meta_object *o, int with_manifest);
/* Steps st, giving each row (without manifest) to cb until it answers non-zero; finalizes st. */
int msql_objects_each(sqlst *st, meta_object_cb cb, void *ctx);
int msql_object_put(void *impl, const struct meta_object *o);   /* insert or replace the current row */

/* meta_sql_versions.c: object versions. put_version_locked: inside the caller's transaction. */
int msql_put_version_locked(struct msql *m, const struct meta_object *o);
int msql_object_put_version(void *impl, const struct meta_object *o);
int msql_object_delete_marker(void *impl, const struct meta_object *marker);
int msql_object_version_get(void *impl, const char *bucket, const char *key, const char *vid, struct meta_object *out);
int msql_object_version_delete(void *impl, const char *bucket, const char *key, const char *vid, int *was_marker);
int msql_object_versions_list(void *impl, const char *bucket, const char *prefix, const char *after_key,
                              int64_t after_seq, int limit, meta_object_cb cb, void *ctx);

/* meta_sql_spaces.c: spaces, and the accounting of their buckets' object rows (called inside
 * the transaction that writes or drops the rows). account_rows: every row sql selects (columns
 * manifest, inline 0/1, size; ?1 bucket, ?2 key, ?3 text) leaves (-1) or joins (1) the usage. */
int msql_space_accounted(struct msql *m, const char *bucket);
int msql_space_account(struct msql *m, const struct meta_object *o, int delta);
int msql_space_account_rows(struct msql *m, const char *sql, const char *bucket, const char *key, const char *text, int delta);
int msql_space_quota_check(struct msql *m, const char *bucket);   /* CAIRN_EQUOTA when over */
int msql_space_put(void *impl, const struct meta_space *sp);
int msql_space_get(void *impl, const char *kind, const char *id, struct meta_space *out);
int msql_space_delete(void *impl, const char *kind, const char *id);
int msql_space_list(void *impl, const char *kind, meta_space_cb cb, void *ctx);
int msql_space_member_set(void *impl, const char *kind, const char *id, const char *user, const char *role);
int msql_space_usage_set(void *impl, const char *kind, const char *id, uint64_t used, uint64_t logical);
int msql_space_sample(void *impl, int64_t at_ms, int64_t before_ms);
int msql_space_samples(void *impl, const char *kind, const char *id, int64_t since_ms, meta_space_cb cb, void *ctx);
int msql_space_members(void *impl, const char *kind, const char *id, int by_user, meta_member_cb cb, void *ctx);

/* meta_sql_ds.c: datasets, versions, tags */
int msql_ds_version_put(void *impl, const char *dataset, const char *owner, const struct meta_dsversion *v);
int msql_ds_version_get(void *impl, const char *dataset, const char *id, struct meta_dsversion *out);
int msql_ds_get(void *impl, const char *name, struct meta_dataset *out);
int msql_ds_list(void *impl, const char *after, int limit, meta_dataset_cb cb, void *ctx);
int msql_ds_set_public(void *impl, const char *name, int public_read);
int msql_ds_tag_set(void *impl, const char *dataset, const struct meta_dstag *t);
int msql_ds_tag_get(void *impl, const char *dataset, const char *tag, struct meta_dstag *out);
int msql_ds_tag_delete(void *impl, const char *dataset, const char *tag, int64_t now_ms);
int msql_ds_tag_list(void *impl, const char *dataset, const char *after, int limit, meta_dstag_cb cb, void *ctx);
int msql_ds_tag_history(void *impl, const char *dataset, const char *tag, meta_dstag_cb cb, void *ctx);
int msql_ds_prune(void *impl, int64_t before_ms);

/* meta_sql_access.c: bucket ACLs and policies, block claims */
int msql_bucket_set_acl(void *impl, const char *bucket, const char *acl, const char *grants);
int msql_bucket_set_policy(void *impl, const char *bucket, const char *policy);
int msql_block_claim(void *impl, const char *owner, const char *id);
int msql_block_claimed(void *impl, const char *owner, const char *id);

/* meta_sql_tasks.c: background tasks */
int msql_task_add(void *impl, struct meta_task *t);
int msql_task_claim(void *impl, const char *owner, int64_t now_ms, int64_t lease_ms, struct meta_task *out, int64_t *next_ms);
int msql_task_renew(void *impl, const char *id, const char *owner, int64_t lease_until_ms, int64_t done, int64_t total, const char *message);
int msql_task_finish(void *impl, const struct meta_task *t);
int msql_task_get(void *impl, const char *id, struct meta_task *out);
int msql_task_list(void *impl, const char *state, const char *kind, const char *after, int limit, meta_task_cb cb, void *ctx);
int msql_task_cancel(void *impl, const char *id, int64_t now_ms, char state[12]);
int msql_task_prune(void *impl, int64_t before_ms, int64_t routine_before_ms);
int msql_counts(void *impl, struct meta_counts *out);

/* meta_sql_mirror.c: regional mirror entries */
int msql_mirror_get(void *impl, const char *region, const char *url_hash, struct meta_mirror *out);
int msql_mirror_put(void *impl, const struct meta_mirror *e);
int msql_mirror_delete(void *impl, const char *region, const char *url_hash);
int msql_mirror_list(void *impl, const char *after_region, const char *after_hash, int limit, meta_mirror_cb cb, void *ctx);
int msql_bucket_config_get(void *impl, const char *bucket, const char *name, char **value);
int msql_bucket_config_set(void *impl, const char *bucket, const char *name, const char *value);
int msql_task_counts(void *impl, meta_task_count_cb cb, void *ctx);

#endif
