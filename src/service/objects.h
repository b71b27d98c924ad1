/* objects.h - S3 objects as typed operations that authorize their caller: get (lifecycle-expired
 * objects are hidden), put, delete, list, tags, multipart uploads, and the byte streams
 * (FastCDC-chunked writer, verified reader) that PutObject and GetObject run through. */
#ifndef CAIRN_SERVICE_OBJECTS_H
#define CAIRN_SERVICE_OBJECTS_H
#include "svc.h"
#include "buckets.h"   /* enum svc_versioning */
#include "../chunk/fastcdc.h"
#include "../chunk/manifest.h"
#include "../meta/meta.h"   /* the record types (struct meta_object, ...) it hands out */
#include "sse.h"

/* ---- objects (object_ops) ---- */
/* Reads an object row after checking a (GET_OBJECT, GET_OBJECT_TAGGING, or a copy source's
 * GET_OBJECT). ENOSUCHBUCKET, ENOSUCHKEY (also when a lifecycle rule expired it), EAUTH. */
int svc_object_get(svc_t *s, const struct principal *p, enum authz_action a, const char *bucket,
                   const char *key, struct meta_object *out);
/* svc_object_get, and the x-amz-expiration value ("" when no lifecycle rule will expire it). vid
 * (may be NULL): that version (svc_object_get_version; no x-amz-expiration). When the key's newest
 * version is a delete marker, ENOSUCHKEY comes with out->delete_marker and out->version_id set. */
int svc_object_get_expiring(svc_t *s, const struct principal *p, enum authz_action a, const char *bucket,
                            const char *key, const char *vid, struct meta_object *out, char *expiration, size_t cap);
/* The x-amz-expiration value of an object just written ("" when no rule covers it). */
int svc_object_expiration(svc_t *s, const struct meta_object *o, char *out, size_t cap);
/* Creates or replaces o (PUT_OBJECT) as a new version; fills o->version_id. */
int svc_object_put(svc_t *s, const struct principal *p, struct meta_object *o);
struct svc_write;
/* The object header (in meta_object.headers) naming the multipart upload that made an object;
 * keys starting "cairn:" are the server's own and never sent to clients. */
#define OBJECT_UPLOAD_ID "cairn:upload-id"
/* ... and the sizes of its parts, "s1,s2,..." (GET ?partNumber, GetObjectAttributes) */
#define OBJECT_PARTS "cairn:parts"
/* Part n (1-based) of an object whose headers JSON is given: 0 with its offset and length and the
 * part count (0 for an object not made by multipart, whose only part 1 is all of it);
 * CAIRN_EPARTNUMBER when there is no such part. */
int object_part(const char *headers, uint64_t size, int n, uint64_t *off, uint64_t *len, int *count);
/* Commits a streamed PutObject / UploadPart under the grant svc_object_write_check gave for the
 * same bucket and key (CAIRN_EAUTH otherwise). */
/* cond (may be NULL): S3 conditional writes, If-Match (the current ETag, else 412; no object: 404
 * NoSuchKey) and If-None-Match: * (412 when the key exists); checked right before the commit. */
struct svc_write_cond { const char *if_match, *if_none_match; };
int svc_object_commit(svc_t *s, const struct svc_write *w, struct meta_object *o, const struct svc_write_cond *cond);
/* The same without waiting for the group commit: done(ctx, rc) is called once, on this thread
 * when the answer is known at once, else on the metadata's commit thread; o must stay valid
 * until then. */
void svc_object_commit_async(svc_t *s, const struct svc_write *w, struct meta_object *o,
                             const struct svc_write_cond *cond, meta_done_fn done, void *ctx);
int svc_part_commit(svc_t *s, const struct svc_write *w, const char *upload_id, const struct meta_part *part);
/* a: PUT_OBJECT_TAGGING or DELETE_OBJECT_TAGGING; tags JSON; vid (may be NULL): that version. */
int svc_object_set_tags(svc_t *s, const struct principal *p, enum authz_action a, const char *bucket,
                        const char *key, const char *vid, const char *tags);
/* Every key > after starting with prefix, in byte order, lifecycle-expired ones hidden (LIST_BUCKET
 * with s3:prefix = prefix). With a delimiter (NULL or "": none), only the first visible key of each
 * common prefix (prefix, then anything, then delim) is given: the listing then seeks past the rest,
 * so a page of common prefixes costs one index seek per prefix, not a row per key under them.
 * cb returns non-zero to stop (that value is returned). owner (may be NULL): the bucket's owner,
 * who owns its objects (listings show it). */
int svc_object_list(svc_t *s, const struct principal *p, const char *bucket, const char *prefix,
                    const char *delim, const char *after, meta_object_cb cb, void *ctx, char owner[65]);

/* ---- versions (versions.c) ---- */
#define VERSION_ID_LEN 32   /* hex characters of a generated version id */
int svc_version_id_ok(const char *vid);   /* "null" or a generated id */
/* A new version's id: "null" unless versioning is Enabled, then 128 random bits in hex. */
int svc_version_id_new(enum svc_versioning v, char out[40]);
/* Commits o as the bucket's versioning v wants: off, it replaces the key ("null"); Enabled, a new
 * version id and the replaced version is kept; Suspended, it replaces the "null" version and keeps
 * any other. Fills o->version_id. Called after authorization. */
int svc_object_store(svc_t *s, enum svc_versioning v, struct meta_object *o);
/* What svc_object_store does to o before writing it: its version id ("null" unversioned). */
int svc_object_row_init(enum svc_versioning v, struct meta_object *o);
/* DeleteObject (DELETE_OBJECT; with vid, DELETE_OBJECT_VERSION): without vid a versioned bucket gets
 * a delete marker; with vid that version goes for good. 0 whether or not it existed (S3);
 * ENOSUCHBUCKET, EVERSIONID (malformed vid). *out: what to answer (x-amz-version-id, -delete-marker). */
struct svc_deleted { char version_id[40]; int delete_marker; };
int svc_object_delete(svc_t *s, const struct principal *p, const char *bucket, const char *key, const char *vid,
                      struct svc_deleted *out);
/* One version (GET_OBJECT becomes GET_OBJECT_VERSION). A delete marker: CAIRN_EMETHOD with
 * out->delete_marker and out->version_id set (S3's 405). ENOSUCHVERSION, EVERSIONID. */
int svc_object_get_version(svc_t *s, const struct principal *p, enum authz_action a, const char *bucket,
                           const char *key, const char *vid, struct meta_object *out);
/* out->delete_marker and ->version_id when the key's newest version is a delete marker (for a 404). */
void svc_object_latest_marker(svc_t *s, const char *bucket, const char *key, struct meta_object *out);
/* ListObjectVersions (LIST_VERSIONS): every version of keys starting with prefix, after key_marker
 * (all its versions, or with vid_marker those older than that one), in key order, newest first. cb
 * and delim as svc_object_list's (one version per common prefix, then past it). EVERSIONID when
 * vid_marker is not a version of key_marker. */
int svc_object_versions_list(svc_t *s, const struct principal *p, const char *bucket, const char *prefix,
                             const char *delim, const char *key_marker, const char *vid_marker, meta_object_cb cb, void *ctx,
                             char owner[65]);

/* ---- multipart uploads ---- */
int svc_upload_create(svc_t *s, const struct principal *p, const struct meta_upload *u);   /* PUT_OBJECT */
/* The upload, which must belong to bucket/key (else ENOSUCHUPLOAD), after checking a. */
int svc_upload_get(svc_t *s, const struct principal *p, enum authz_action a, const char *id,
                   const char *bucket, const char *key, struct meta_upload *out);
/* svc_upload_get without the row: 0 when the upload exists under bucket/key and p may do a. */
int svc_upload_check(svc_t *s, const struct principal *p, enum authz_action a, const char *id,
                     const char *bucket, const char *key);
int svc_upload_abort(svc_t *s, const struct principal *p, const char *id, const char *bucket, const char *key);
int svc_part_put(svc_t *s, const struct principal *p, const char *id, const char *bucket, const char *key,
                 const struct meta_part *part);
int svc_part_list(svc_t *s, const struct principal *p, const char *id, const char *bucket, const char *key,
                  int with_manifest, meta_part_cb cb, void *ctx);
/* Replaces o's key with the joined parts and drops the upload, in one transaction (PUT_OBJECT);
 * a new version in a versioned bucket (o->version_id filled). */
int svc_upload_complete(svc_t *s, const struct principal *p, const char *id, struct meta_object *o,
                        const struct svc_write_cond *cond);
/* A CompleteMultipartUpload repeated after it succeeded: 0 with the object's ETag when bucket/key
 * is still the object upload id made (S3 answers the same result), else CAIRN_ENOSUCHUPLOAD. */
int svc_upload_completed(svc_t *s, const struct principal *p, const char *id, const char *bucket, const char *key,
                         char etag[48]);
int svc_upload_list(svc_t *s, const struct principal *p, const char *bucket, meta_upload_cb cb, void *ctx);

/* ---- byte streams ---- */
typedef struct obj_writer obj_writer_t;
typedef struct obj_reader obj_reader_t;
/* Takes one pool buffer for the whole stream (CAIRN_EBUSY when none is free). want_sha256: also
 * hash the whole body (only needed to check a hex x-amz-content-sha256). sse (may be NULL): seal
 * the chunks under that encryption (sse.h; a second buffer, chunks of at most 1 MiB). */
int svc_obj_writer_begin(svc_t *s, const struct cdc_params *p, int want_sha256, const struct svc_sse *sse, obj_writer_t **out);
int obj_writer_write(obj_writer_t *w, const void *data, size_t n);
/* Ends the last chunk; fills the manifest (caller frees it), the MD5 (hex) and the SHA-256 (hex,
 * "" unless asked for) of the whole body. Frees w. */
int obj_writer_finish(obj_writer_t *w, struct manifest *m, char md5_hex[33], char sha256_hex[65]);
void obj_writer_abort(obj_writer_t *w);   /* blocks already written become garbage for gc */
/* Reads [off, off+len) of the object described by m; on success the reader takes m over (m is
 * left empty). Takes one pool buffer for verifying its blocks (CAIRN_EBUSY: park and retry), and
 * a second one for an encrypted object, opened with sse (svc_sse_for_read; NULL: not encrypted). */
int svc_obj_reader_open(svc_t *s, struct manifest *m, uint64_t off, uint64_t len, const struct svc_sse *sse, obj_reader_t **out);
/* Next bytes into buf: count, 0 at the end, or a negative CAIRN_E* (a missing or corrupt block). */
long obj_reader_read(obj_reader_t *r, char *buf, size_t max);
void obj_reader_close(obj_reader_t *r);

#endif
