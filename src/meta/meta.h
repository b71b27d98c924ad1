/* meta.h - the metadata interface: typed calls, no SQL outside meta/. One SQL implementation
 * (meta_sql*.c) runs on SQLite, the embedded default, and on PostgreSQL (sqldb.h). Every
 * change is one transaction. Schema changes are numbered migrations (meta_migrations.c). */
#ifndef CAIRN_META_H
#define CAIRN_META_H
#include <stddef.h>
#include <stdint.h>

typedef struct meta meta_t;

struct meta_user {
  char name[65];
  char access_key[65];
  char *secret_sealed;   /* AES-GCM sealed secret (crypto/seal.h); heap, free with meta_user_clear */
  char role[16];         /* "admin" | "user" */
  int enabled;
  int64_t created_ms;
};
typedef int (*meta_user_cb)(void *ctx, const struct meta_user *u);

/* owner: a user name. acl: canned ACL (private, public-read, public-read-write,
 * authenticated-read). grants, policy, lifecycle (rules): heap JSON or NULL (meta_bucket_clear);
 * in listings they live only for the callback. */
struct meta_bucket {
  char name[64]; char owner[65]; char acl[24]; char *grants; char *policy; char *lifecycle; int64_t created_ms;
  char *access_block, *ownership;   /* meta_bucket_get only: the publicAccessBlock / ownershipControls configs */
  char versioning[16];              /* meta_bucket_get only: "" (never set), "Enabled" or "Suspended" */
};
typedef int (*meta_bucket_cb)(void *ctx, const struct meta_bucket *b);

struct meta_object {
  char bucket[64];
  char *key;             /* heap (meta_object_clear) */
  uint64_t size;
  char etag[48];         /* hex MD5, without quotes */
  char *content_type;    /* heap */
  char *manifest;        /* heap; chunk/manifest.h text encoding */
  int64_t created_ms;
  char *headers;         /* heap JSON object: x-amz-meta-*, Content-Encoding, Cache-Control, ... */
  char *tags;            /* heap JSON object of tag key -> value */
  unsigned char *data;   /* heap: the bytes of a small object stored inline (manifest ""), or NULL */
  int is_inline;         /* data holds all size bytes (0 bytes too) */
  /* Versions (meta_object_put_version): "null" (also when "") or a generated id. seq orders a key's
   * versions, newest highest; a delete marker has no bytes. is_latest, noncurrent_ms (when it
   * stopped being current): version reads and listings. */
  char version_id[40];
  int delete_marker, is_latest;
  int64_t seq, noncurrent_ms;
};
typedef int (*meta_object_cb)(void *ctx, const struct meta_object *o);   /* manifest is NULL */

struct meta_upload { char id[65]; char bucket[64]; char *key; char *content_type; int64_t created_ms; char *headers; char *tags; };
typedef int (*meta_upload_cb)(void *ctx, const struct meta_upload *u);
/* checksum: "x-amz-checksum-<alg>:<base64>" of the part's body, or "" */
struct meta_part { int number; uint64_t size; char etag[48]; char *manifest; int64_t created_ms; char checksum[96]; };
typedef int (*meta_part_cb)(void *ctx, const struct meta_part *p);

struct meta_dataset { char name[129]; char owner[65]; int public_read; int64_t created_ms; int ntags; };   /* owner: user name, "" for admins only */
typedef int (*meta_dataset_cb)(void *ctx, const struct meta_dataset *d);
struct meta_dsversion {
  char id[65];
  char *manifest;        /* heap canonical JSON (NULL in listings) */
  char *blocks;          /* heap chunk/manifest.h text of every block (put only) */
  uint64_t size;
  int64_t files, created_ms;
  const char *space_bucket;   /* put: the bucket of the space the dataset counts in (its creation), or NULL */
};
struct meta_dstag { char tag[129]; char version[65]; int floating; int64_t updated_ms; uint64_t size; int64_t files; };   /* size, files: listings */
typedef int (*meta_dstag_cb)(void *ctx, const struct meta_dstag *t);   /* history: updated_ms = when */

/* A regional mirror entry (service/mirror.h): (region, SHA-256 of the upstream URL) -> state
 * present | pending | error, the copy task, the upstream's validators and expiry. url, error,
 * error_detail: heap (meta_mirror_clear). */
struct meta_mirror {
  char region[64];
  char url_hash[65];
  char *url;
  char state[12];
  char task_id[33];
  char etag[160];              /* the upstream's ETag, as sent */
  char last_modified[64];      /* the upstream's Last-Modified, as sent */
  uint64_t size;
  int64_t expires_ms;          /* revalidate with the upstream after this */
  int http_status;             /* the upstream's status when it refused (error) */
  char *error, *error_detail;
  int64_t updated_ms;
};
typedef int (*meta_mirror_cb)(void *ctx, const struct meta_mirror *e);   /* non-zero stops, and is returned */

/* A project or home space (service/spaces.h): kind "project" or "home"; bucket: the cairn
 * system's bucket ("" for the others); used_bytes: distinct block bytes of the bucket (dedup
 * counted once), logical_bytes: what clients stored; both kept by every object write. */
struct meta_space {
  char kind[8]; char id[65]; char system[16]; char bucket[64];
  uint64_t quota_bytes, used_bytes, logical_bytes;
  int64_t created_ms;
};
typedef int (*meta_space_cb)(void *ctx, const struct meta_space *sp);
struct meta_member { char kind[8]; char id[65]; char user[65]; char role[16]; };
typedef int (*meta_member_cb)(void *ctx, const struct meta_member *mb);

/* Catalog sizes (metrics). logical bytes: what clients stored, before deduplication. */
struct meta_counts { uint64_t buckets, objects, object_bytes, uploads, datasets, versions, version_bytes, users; };

/* A background task (service/tasks.h). state: queued | running | succeeded | failed | canceled.
 * Heap strings (meta_task_clear): payload, result (JSON), error (public), error_detail (admins),
 * dedup_key (at most one queued or running task per key). */
struct meta_task {
  char id[33];
  char kind[32];
  char state[12];
  char owner[65];              /* who asked ("" for the server itself) */
  char *payload, *result, *error, *error_detail, *dedup_key;
  char message[160];           /* progress */
  int64_t done, total;
  int attempts, max_attempts, cancel_requested;
  char lease_owner[96];
  int64_t lease_until_ms, run_after_ms, created_ms, started_ms, finished_ms;
};
typedef int (*meta_task_cb)(void *ctx, const struct meta_task *t);
typedef int (*meta_task_count_cb)(void *ctx, const char *kind, const char *state, uint64_t n);

/* Every manifest that keeps blocks alive (objects, parts of uploads in progress, dataset
 * versions): gc roots. */
typedef int (*meta_manifest_cb)(void *ctx, const char *manifest);

struct meta_ops {
  int (*user_add)(void *impl, const struct meta_user *u);
  int (*user_by_key)(void *impl, const char *access_key, struct meta_user *out);
  int (*user_rm)(void *impl, const char *name);
  int (*user_list)(void *impl, meta_user_cb cb, void *ctx);
  int (*bucket_create)(void *impl, const struct meta_bucket *b);
  int (*bucket_get)(void *impl, const char *name, struct meta_bucket *out);
  int (*bucket_delete)(void *impl, const char *name);
  int (*bucket_list)(void *impl, meta_bucket_cb cb, void *ctx);
  int (*object_put)(void *impl, const struct meta_object *o);
  int (*object_get)(void *impl, const char *bucket, const char *key, struct meta_object *out);
  int (*object_delete)(void *impl, const char *bucket, const char *key);
  int (*object_list)(void *impl, const char *bucket, const char *prefix, const char *after,
                     int limit, meta_object_cb cb, void *ctx);
  int (*upload_create)(void *impl, const struct meta_upload *u);
  int (*upload_get)(void *impl, const char *id, struct meta_upload *out);
  int (*upload_delete)(void *impl, const char *id);
  int (*upload_list)(void *impl, const char *bucket, meta_upload_cb cb, void *ctx);
  int (*part_put)(void *impl, const char *upload_id, const struct meta_part *p);
  int (*part_list)(void *impl, const char *upload_id, int with_manifest, meta_part_cb cb, void *ctx);
  int (*upload_complete)(void *impl, const char *upload_id, const struct meta_object *o, int versioned);
  int (*manifest_each)(void *impl, meta_manifest_cb cb, void *ctx);
  int (*object_set_tags)(void *impl, const char *bucket, const char *key, const char *vid, const char *tags);
  int (*object_put_version)(void *impl, const struct meta_object *o);
  int (*object_delete_marker)(void *impl, const struct meta_object *marker);
  int (*object_version_get)(void *impl, const char *bucket, const char *key, const char *vid, struct meta_object *out);
  int (*object_version_delete)(void *impl, const char *bucket, const char *key, const char *vid, int *was_marker);
  int (*object_versions_list)(void *impl, const char *bucket, const char *prefix, const char *after_key,
                              int64_t after_seq, int limit, meta_object_cb cb, void *ctx);
  int (*lifecycle_set)(void *impl, const char *bucket, const char *rules);
  int (*bucket_set_acl)(void *impl, const char *bucket, const char *acl, const char *grants);
  int (*bucket_set_policy)(void *impl, const char *bucket, const char *policy);
  int (*lifecycle_get)(void *impl, const char *bucket, char **rules);
  int (*ds_version_put)(void *impl, const char *dataset, const char *owner, const struct meta_dsversion *v);
  int (*ds_version_get)(void *impl, const char *dataset, const char *id, struct meta_dsversion *out);
  int (*ds_get)(void *impl, const char *name, struct meta_dataset *out);
  int (*ds_list)(void *impl, const char *after, int limit, meta_dataset_cb cb, void *ctx);
  int (*ds_set_public)(void *impl, const char *name, int public_read);
  int (*ds_tag_set)(void *impl, const char *dataset, const struct meta_dstag *t);
  int (*ds_tag_get)(void *impl, const char *dataset, const char *tag, struct meta_dstag *out);
  int (*ds_tag_delete)(void *impl, const char *dataset, const char *tag, int64_t now_ms);
  int (*ds_tag_list)(void *impl, const char *dataset, const char *after, int limit, meta_dstag_cb cb, void *ctx);
  int (*ds_tag_history)(void *impl, const char *dataset, const char *tag, meta_dstag_cb cb, void *ctx);
  int (*ds_prune)(void *impl, int64_t before_ms);
  int (*block_claim)(void *impl, const char *owner, const char *id);
  int (*block_claimed)(void *impl, const char *owner, const char *id);
  int (*task_add)(void *impl, struct meta_task *t);
  int (*task_claim)(void *impl, const char *owner, int64_t now_ms, int64_t lease_ms, struct meta_task *out, int64_t *next_ms);
  int (*task_renew)(void *impl, const char *id, const char *owner, int64_t lease_until_ms, int64_t done,
                    int64_t total, const char *message);
  int (*task_finish)(void *impl, const struct meta_task *t);
  int (*task_get)(void *impl, const char *id, struct meta_task *out);
  int (*task_list)(void *impl, const char *state, const char *kind, const char *after, int limit, meta_task_cb cb, void *ctx);
  int (*task_cancel)(void *impl, const char *id, int64_t now_ms, char state[12]);
  int (*task_prune)(void *impl, int64_t before_ms, int64_t routine_before_ms);
  int (*counts)(void *impl, struct meta_counts *out);
  int (*mirror_get)(void *impl, const char *region, const char *url_hash, struct meta_mirror *out);
  int (*mirror_put)(void *impl, const struct meta_mirror *e);
  int (*mirror_delete)(void *impl, const char *region, const char *url_hash);
  int (*mirror_list)(void *impl, const char *after_region, const char *after_hash, int limit, meta_mirror_cb cb, void *ctx);
  int (*task_counts)(void *impl, meta_task_count_cb cb, void *ctx);
  int (*bucket_config_get)(void *impl, const char *bucket, const char *name, char **value);
  int (*bucket_config_set)(void *impl, const char *bucket, const char *name, const char *value);
  int (*space_put)(void *impl, const struct meta_space *sp);
  int (*space_get)(void *impl, const char *kind, const char *id, struct meta_space *out);
  int (*space_delete)(void *impl, const char *kind, const char *id);
  int (*space_list)(void *impl, const char *kind, meta_space_cb cb, void *ctx);
  int (*space_member_set)(void *impl, const char *kind, const char *id, const char *user, const char *role);
  int (*space_members)(void *impl, const char *kind, const char *id, int by_user, meta_member_cb cb, void *ctx);
  int (*space_usage_set)(void *impl, const char *kind, const char *id, uint64_t used, uint64_t logical);
  int (*space_sample)(void *impl, int64_t at_ms, int64_t before_ms);
  int (*space_samples)(void *impl, const char *kind, const char *id, int64_t since_ms, meta_space_cb cb, void *ctx);
  int (*lease_take)(void *impl, const char *name, const char *holder, int64_t now_ms, int64_t until_ms);
  int (*tx)(void *impl, int what);   /* 0 begin, 1 commit, 2 rollback (group commit); may be NULL */
  int (*ping)(void *impl);
  int (*schema_version)(void *impl);
  void (*close)(void *impl);
  int (*lost)(void *impl);     /* the database cannot be reached now (errors become CAIRN_EBUSY) */
  int (*shared)(void *impl);   /* other nodes may use the same database */
  int (*listen)(void *impl, void (*fn)(void *ctx, const char *channel), void *ctx);
};

/* Each runs pending migrations. meta_open: a postgres:// (postgresql://) URL, else an SQLite path. */
int meta_open_sqlite(const char *path, meta_t **out);
int meta_open_pg(const char *url, meta_t **out);
int meta_open(const char *where, meta_t **out);
int meta_is_postgres(const char *where);   /* a postgres:// or postgresql:// URL */
/* Copies every row of an embedded installation's metadata (SQLite at from) into the empty
 * database at to, in one transaction (meta_copy.c); *rows: how many. err: one line. */
int meta_copy(const char *from, const char *to, uint64_t *rows, char *err, size_t errlen);
void meta_close(meta_t *m);

int meta_user_add(meta_t *m, const struct meta_user *u);                  /* CAIRN_EEXIST */
int meta_user_by_key(meta_t *m, const char *access_key, struct meta_user *out);   /* CAIRN_ENOENT */
int meta_user_rm(meta_t *m, const char *name);                            /* CAIRN_ENOENT */
int meta_user_list(meta_t *m, meta_user_cb cb, void *ctx);
int meta_bucket_create(meta_t *m, const struct meta_bucket *b);           /* CAIRN_EBUCKETEXISTS */
int meta_bucket_get(meta_t *m, const char *name, struct meta_bucket *out); /* CAIRN_ENOSUCHBUCKET */
int meta_bucket_delete(meta_t *m, const char *name);   /* CAIRN_ENOSUCHBUCKET, CAIRN_EBUCKETNOTEMPTY */
int meta_bucket_list(meta_t *m, meta_bucket_cb cb, void *ctx);
/* Creates or replaces (bucket, key) in one transaction; CAIRN_ENOSUCHBUCKET; CAIRN_EQUOTA when a
 * space's bucket would grow past its quota (nothing written). */
int meta_object_put(meta_t *m, const struct meta_object *o);
/* The same without waiting: o (and what it points to) must stay valid until done(ctx, rc) is
 * called, once, from the commit thread (or from here, when the database is closing). Rows queued
 * together commit in one transaction. */
typedef void (*meta_done_fn)(void *ctx, int rc);
void meta_object_put_async(meta_t *m, const struct meta_object *o, meta_done_fn done, void *ctx);
int meta_object_get(meta_t *m, const char *bucket, const char *key, struct meta_object *out);
int meta_object_delete(meta_t *m, const char *bucket, const char *key);   /* CAIRN_ENOSUCHKEY */
/* Keys > after that start with prefix, in byte order, at most limit of them. */
int meta_object_list(meta_t *m, const char *bucket, const char *prefix, const char *after, int limit,
                     meta_object_cb cb, void *ctx);
void meta_object_clear(struct meta_object *o);

/* Multipart uploads: parts are committed one by one; completion replaces the object and drops
 * the upload in one transaction. CAIRN_ENOSUCHUPLOAD when the upload is gone. */
int meta_upload_create(meta_t *m, const struct meta_upload *u);
int meta_upload_get(meta_t *m, const char *id, struct meta_upload *out);
int meta_upload_delete(meta_t *m, const char *id);
int meta_upload_list(meta_t *m, const char *bucket, meta_upload_cb cb, void *ctx);
int meta_part_put(meta_t *m, const char *upload_id, const struct meta_part *p);
int meta_part_list(meta_t *m, const char *upload_id, int with_manifest, meta_part_cb cb, void *ctx);
/* versioned: the bucket has versioning on; the object then goes in as meta_object_put_version. */
int meta_upload_complete(meta_t *m, const char *upload_id, const struct meta_object *o, int versioned);
void meta_upload_clear(struct meta_upload *u);
int meta_manifest_each(meta_t *m, meta_manifest_cb cb, void *ctx);
/* vid NULL: the current version (ENOSUCHKEY); else that version (ENOSUCHVERSION; a delete marker has none). */
int meta_object_set_tags(meta_t *m, const char *bucket, const char *key, const char *vid, const char *tags);

/* Versions, in a bucket whose versioning was ever set. The current version of a key is its
 * `objects` row (so reads and listings of current objects are unchanged); older versions and
 * delete markers are kept apart until deleted, and each is a gc root.
 * put_version: in one transaction o (its version_id set) becomes the current version; a version
 * with the same id is replaced, the previous current one (another id) becomes noncurrent.
 * delete_marker: the same with a delete marker (bucket, key, version_id, created_ms), so the key
 * has no current object. CAIRN_ENOSUCHBUCKET. */
int meta_object_put_version(meta_t *m, const struct meta_object *o);
int meta_object_delete_marker(meta_t *m, const struct meta_object *marker);
/* vid NULL: the newest version (an object, or a delete marker: delete_marker set); ENOSUCHKEY
 * when the key has none. Else that version or CAIRN_ENOSUCHVERSION. */
int meta_object_version_get(meta_t *m, const char *bucket, const char *key, const char *vid, struct meta_object *out);
/* Deletes one version for good; when it was current, the newest older one that is not a delete
 * marker becomes current. *was_marker: it was a delete marker. CAIRN_ENOSUCHVERSION. */
int meta_object_version_delete(meta_t *m, const char *bucket, const char *key, const char *vid, int *was_marker);
/* Every version of keys starting with prefix after (after_key, after_seq) in (key, newest first)
 * order: after_seq < 0 starts past every version of after_key. At most limit; manifest NULL. */
int meta_object_versions_list(meta_t *m, const char *bucket, const char *prefix, const char *after_key,
                              int64_t after_seq, int limit, meta_object_cb cb, void *ctx);
/* Lifecycle rules (JSON, service/lifecycle.h); NULL removes them. get: *rules NULL when none. */
int meta_lifecycle_set(meta_t *m, const char *bucket, const char *rules);
/* Canned ACL and grants JSON ({"user": ["READ", ...]}, NULL for none); policy JSON or NULL.
 * CAIRN_ENOSUCHBUCKET. */
int meta_bucket_set_acl(meta_t *m, const char *bucket, const char *acl, const char *grants);
int meta_bucket_set_policy(meta_t *m, const char *bucket, const char *policy);
void meta_bucket_clear(struct meta_bucket *b);
int meta_lifecycle_get(meta_t *m, const char *bucket, char **rules);
/* Datasets. version_put creates the dataset on first use and is idempotent (same id, same tree); a
 * dataset made with a space_bucket counts its versions' blocks in that space (CAIRN_EQUOTA past it). */
int meta_ds_version_put(meta_t *m, const char *dataset, const char *owner, const struct meta_dsversion *v);   /* owner: on creation */
int meta_ds_version_get(meta_t *m, const char *dataset, const char *id, struct meta_dsversion *out);   /* ENOENT */
void meta_dsversion_clear(struct meta_dsversion *v);
int meta_ds_get(meta_t *m, const char *name, struct meta_dataset *out);                   /* ENOENT */
int meta_ds_list(meta_t *m, const char *after, int limit, meta_dataset_cb cb, void *ctx);
int meta_ds_set_public(meta_t *m, const char *name, int public_read);                      /* ENOENT */
/* Points a tag at a version (which must exist) and records the move in the history, in one
 * transaction; a version tag (floating 0) that already points elsewhere: CAIRN_EEXIST. */
int meta_ds_tag_set(meta_t *m, const char *dataset, const struct meta_dstag *t);
int meta_ds_tag_get(meta_t *m, const char *dataset, const char *tag, struct meta_dstag *out);   /* ENOENT */
int meta_ds_tag_delete(meta_t *m, const char *dataset, const char *tag, int64_t now_ms);       /* ENOENT */
int meta_ds_tag_list(meta_t *m, const char *dataset, const char *after, int limit, meta_dstag_cb cb, void *ctx);
int meta_ds_tag_history(meta_t *m, const char *dataset, const char *tag, meta_dstag_cb cb, void *ctx);
/* Deletes versions no tag points to that were created before before_ms; the count or < 0. */
int meta_ds_prune(meta_t *m, int64_t before_ms);
/* Block claims: the blocks a user has uploaded (proved to hold). claimed: 1, 0 or < 0. */
int meta_block_claim(meta_t *m, const char *owner, const char *id);
int meta_block_claimed(meta_t *m, const char *owner, const char *id);
/* Tasks. add: fills t->id's row; with a dedup_key already queued or running: CAIRN_EEXIST and
 * t->id set to that task. claim: in one transaction, the oldest queued task due by now_ms, or a
 * running one whose lease expired (its worker died), becomes running under owner until
 * now_ms + lease_ms (attempts + 1); CAIRN_ENOENT when none, *next_ms = when one will be (0: none).
 * renew: extends the lease and records progress; 1 when cancellation was asked, 0, or
 * CAIRN_ENOENT when the lease was lost. finish: writes t's state, result, error, run_after (a
 * retry is state queued) if owner still holds the lease (CAIRN_ENOENT otherwise). cancel: a
 * queued task becomes canceled, a running one is asked to stop; *state is the state after;
 * CAIRN_ECONFLICT when it had already ended. */
int meta_task_add(meta_t *m, struct meta_task *t);
int meta_task_claim(meta_t *m, const char *owner, int64_t now_ms, int64_t lease_ms, struct meta_task *out, int64_t *next_ms);
int meta_task_renew(meta_t *m, const char *id, const char *owner, int64_t lease_until_ms, int64_t done, int64_t total, const char *message);
int meta_task_finish(meta_t *m, const struct meta_task *t);
int meta_task_get(meta_t *m, const char *id, struct meta_task *out);   /* ENOENT */
/* Newest first; state/kind NULL for any; after: an id (the page before it). */
int meta_task_list(meta_t *m, const char *state, const char *kind, const char *after, int limit, meta_task_cb cb, void *ctx);
int meta_task_cancel(meta_t *m, const char *id, int64_t now_ms, char state[12]);
/* Drops tasks that ended before before_ms, and the server's own successful runs (owner "") that ended
 * before routine_before_ms; count or < 0. */
int meta_task_prune(meta_t *m, int64_t before_ms, int64_t routine_before_ms);
void meta_task_clear(struct meta_task *t);
int meta_counts(meta_t *m, struct meta_counts *out);
/* Mirror entries: get (ENOENT), put (insert or replace), delete (ENOENT). */
int meta_mirror_get(meta_t *m, const char *region, const char *url_hash, struct meta_mirror *out);
int meta_mirror_put(meta_t *m, const struct meta_mirror *e);
int meta_mirror_delete(meta_t *m, const char *region, const char *url_hash);
/* Entries ordered by (region, url hash), from just after (after_region, after_hash) ("" "" from the
 * start), at most limit; cb's entry lives for the call. */
int meta_mirror_list(meta_t *m, const char *after_region, const char *after_hash, int limit, meta_mirror_cb cb, void *ctx);
void meta_mirror_clear(struct meta_mirror *e);
int meta_task_counts(meta_t *m, meta_task_count_cb cb, void *ctx);   /* cb per (kind, state, n) */
/* A bucket's named configuration document (cors, ...). get: CAIRN_ENOENT when it has none,
 * CAIRN_ENOSUCHBUCKET without the bucket; *value heap. set: NULL value removes it. */
int meta_bucket_config_get(meta_t *m, const char *bucket, const char *name, char **value);
int meta_bucket_config_set(meta_t *m, const char *bucket, const char *name, const char *value);
/* Spaces. put: creates (a bucket's existing objects are counted) or, when it exists, sets its
 * quota; delete: the space and its members (not the bucket); members: of (kind, id), or with
 * by_user the spaces the user named by id belongs to; member_set: role NULL removes. */
int meta_space_put(meta_t *m, const struct meta_space *sp);
int meta_space_get(meta_t *m, const char *kind, const char *id, struct meta_space *out);   /* ENOENT */
int meta_space_delete(meta_t *m, const char *kind, const char *id);
int meta_space_list(meta_t *m, const char *kind, meta_space_cb cb, void *ctx);
int meta_space_member_set(meta_t *m, const char *kind, const char *id, const char *user, const char *role);
int meta_space_members(meta_t *m, const char *kind, const char *id, int by_user, meta_member_cb cb, void *ctx);
/* A measured usage (systems whose usage is walked, not kept by writes). */
int meta_space_usage_set(meta_t *m, const char *kind, const char *id, uint64_t used, uint64_t logical);
/* Records every space's usage at at_ms (and drops samples older than before_ms); samples: a
 * space's since since_ms, oldest first (cb gets used_bytes, logical_bytes and created_ms = when). */
int meta_space_sample(meta_t *m, int64_t at_ms, int64_t before_ms);
int meta_space_samples(meta_t *m, const char *kind, const char *id, int64_t since_ms, meta_space_cb cb, void *ctx);
/* A periodic job's lease (name) for this interval: 1 when holder took it (it was free or had
 * expired by now_ms; it is then held until until_ms), 0 when another holder has it. */
int meta_lease_take(meta_t *m, const char *name, const char *holder, int64_t now_ms, int64_t until_ms);
/* Other nodes may share this database (PostgreSQL): their changes do not wake this process... */
int meta_shared(meta_t *m);
/* ...unless it listens: fn(ctx, channel) runs on a thread of its own when another node (or this
 * one) changed tasks ("cairn_tasks") or dataset tags ("cairn_tags"), and with "*" when changes
 * may have been missed (a reconnection). A no-op on SQLite. At most once; fn NULL or meta_close
 * stops it (waiting for a call in progress). */
int meta_listen(meta_t *m, void (*fn)(void *ctx, const char *channel), void *ctx);
int meta_ping(meta_t *m);
int meta_schema_version(meta_t *m);
void meta_user_clear(struct meta_user *u);

/* numbered migrations shared by every backend (portable SQL) */
struct meta_migration { int version; const char *sql; };
extern const struct meta_migration meta_migrations[];
extern const int meta_nmigrations;

meta_t *meta_wrap(const struct meta_ops *ops, void *impl);
/* A string above every key that starts with the n bytes at cp and below every other key greater
 * than them: cp followed by more U+10FFFF than a key can hold (keys compare bytewise, no valid
 * UTF-8 sorts above it, keys are at most 1,024 bytes). Listings seek past a common prefix with it
 * and bound a prefix's range. Caller frees. */
char *meta_key_ceiling(const char *cp, size_t n);
/* A second connection of the same backend, for the hot lookups (user by key, bucket, object):
 * they then run beside a commit's fsync instead of behind it. At most META_READERS; closed by
 * meta_close. Only committed state is read there, so only calls no transaction depends on use it. */
#define META_READERS 4
void meta_add_reader(meta_t *m, void *impl);

#endif
