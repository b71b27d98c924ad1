/* object_ops.c - S3 object and multipart operations with their authorization (objects.h): each
 * checks the caller against the bucket (svc_bucket_check) and then makes one metadata call. */
#include "buckets.h"
#include "lifecycle.h"
#include "objstream.h"
#include "sse.h"
#include "svc_internal.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/timeutil.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* x-amz-expiration: expiry-date="<HTTP date>", rule-id="<id>" when a rule will expire the object. */
static void expiration_header(const char *rules, const struct meta_object *o, int64_t day_ms, char *out, size_t cap) {
  int64_t at = 0;
  char id[256], date[64];
  out[0] = 0;
  if (!rules || !lifecycle_expiration(rules, o->key, o->tags, o->created_ms, day_ms, &at, id)) return;
  time_format_http((time_t)(at / 1000), date, sizeof date);
  snprintf(out, cap, "expiry-date=\"%s\", rule-id=\"%s\"", date, id);
}

int svc_object_get_expiring(svc_t *s, const struct principal *p, enum authz_action a, const char *bucket,
                            const char *key, const char *vid, struct meta_object *out, char *expiration, size_t cap) {
  if (expiration) *expiration = 0;
  if (vid) return svc_object_get_version(s, p, a, bucket, key, vid, out);
  struct meta_bucket b;
  int rc = svc_bucket_load(s, p, bucket, a, key, NULL, &b);   /* its lifecycle rules come with it */
  if (rc) return rc;
  rc = meta_object_get(s->meta, bucket, key, out);
  if (!rc && b.lifecycle &&
      lifecycle_expired(b.lifecycle, out->key, out->tags, out->created_ms, time_now_ms(), s->cfg->lifecycle_day_ms)) {
    meta_object_clear(out);
    rc = CAIRN_ENOSUCHKEY;
  }
  if (!rc && expiration) expiration_header(b.lifecycle, out, s->cfg->lifecycle_day_ms, expiration, cap);
  if (rc == CAIRN_ENOSUCHKEY && *b.versioning) svc_object_latest_marker(s, bucket, key, out);
  meta_bucket_clear(&b);
  return rc;
}

int svc_object_get(svc_t *s, const struct principal *p, enum authz_action a, const char *bucket,
                   const char *key, struct meta_object *out) {
  return svc_object_get_expiring(s, p, a, bucket, key, NULL, out, NULL, 0);
}

int svc_object_expiration(svc_t *s, const struct meta_object *o, char *out, size_t cap) {
  struct meta_bucket b;
  out[0] = 0;
  int rc = meta_bucket_get(s->meta, o->bucket, &b);
  if (rc) return rc;
  expiration_header(b.lifecycle, o, s->cfg->lifecycle_day_ms, out, cap);
  meta_bucket_clear(&b);
  return 0;
}

int svc_object_put(svc_t *s, const struct principal *p, struct meta_object *o) {
  enum svc_versioning v;
  int rc = svc_bucket_versioning(s, p, o->bucket, AZ_PUT_OBJECT, o->key, &v);
  return rc ? rc : svc_object_store(s, v, o);
}

static int granted(const struct svc_write *w, const char *bucket, const char *key) {
  return w && w->allowed && !strcmp(w->bucket, bucket) && !strcmp(w->key, key);
}

/* S3 conditional writes against the object as it is now. */
static int cond_check(svc_t *s, const char *bucket, const char *key, const struct svc_write_cond *c) {
  if (!c || (!c->if_match && !c->if_none_match)) return 0;
  struct meta_object cur;
  int rc = meta_object_get(s->meta, bucket, key, &cur);
  if (rc && rc != CAIRN_ENOSUCHKEY) return rc;
  int exists = !rc;
  char etag[48] = "";
  if (exists) { snprintf(etag, sizeof etag, "%s", cur.etag); meta_object_clear(&cur); }
  if (c->if_none_match) {
    if (strcmp(c->if_none_match, "*")) return CAIRN_ENOTIMPL;   /* S3 takes only "*" on writes */
    if (exists) return CAIRN_EPRECONDITION;
  }
  if (c->if_match) {
    if (!exists) return CAIRN_ENOSUCHKEY;
    const char *m = c->if_match;
    size_t ml = strlen(m);
    if (ml >= 2 && m[0] == '"' && m[ml - 1] == '"') m++, ml -= 2;
    if (strcmp(c->if_match, "*") && (ml != strlen(etag) || strncmp(m, etag, ml))) return CAIRN_EPRECONDITION;
  }
  return 0;
}

int svc_object_commit(svc_t *s, const struct svc_write *w, struct meta_object *o, const struct svc_write_cond *cond) {
  if (!granted(w, o->bucket, o->key)) return CAIRN_EAUTH;
  int rc = cond_check(s, o->bucket, o->key, cond);
  return rc ? rc : svc_object_store(s, w->versioning, o);
}

void svc_object_commit_async(svc_t *s, const struct svc_write *w, struct meta_object *o,
                             const struct svc_write_cond *cond, meta_done_fn done, void *ctx) {
  int rc = granted(w, o->bucket, o->key) ? cond_check(s, o->bucket, o->key, cond) : CAIRN_EAUTH;
  if (rc || w->versioning != VERSIONING_OFF) {   /* versioned writes commit here, as before */
    done(ctx, rc ? rc : svc_object_store(s, w->versioning, o));
    return;
  }
  svc_object_row_init(VERSIONING_OFF, o);
  meta_object_put_async(s->meta, o, done, ctx);
}

int svc_part_commit(svc_t *s, const struct svc_write *w, const char *upload_id, const struct meta_part *part) {
  return w && w->allowed ? meta_part_put(s->meta, upload_id, part) : CAIRN_EAUTH;   /* the upload was checked too */
}

int svc_object_set_tags(svc_t *s, const struct principal *p, enum authz_action a, const char *bucket,
                        const char *key, const char *vid, const char *tags) {
  if (a != AZ_PUT_OBJECT_TAGGING && a != AZ_DELETE_OBJECT_TAGGING) return CAIRN_EINVAL;
  if (vid && !svc_version_id_ok(vid)) return CAIRN_EVERSIONID;
  int rc = svc_bucket_check(s, p, bucket, a, key, NULL);
  return rc ? rc : meta_object_set_tags(s->meta, bucket, key, vid, tags);
}

/* ---- listing: batches of 1000 rows, expired objects hidden, one row per common prefix ---- */

struct list_ctx {
  meta_object_cb cb; void *ctx; char *rules; int64_t now, day_ms; int rows, stopped; char *after;
  const char *prefix, *delim; int seek;
};

static int list_row(void *ctx, const struct meta_object *o) {
  struct list_ctx *l = ctx;
  l->rows++;
  xfree(l->after);
  l->after = xstrdup(o->key);
  if (l->rules && lifecycle_expired(l->rules, o->key, o->tags, o->created_ms, l->now, l->day_ms)) return 0;
  int rc = l->cb(l->ctx, o);
  if (rc) { l->stopped = rc; return rc; }
  char *past = svc_list_seek(o->key, l->prefix, l->delim);
  if (!past) return 0;
  xfree(l->after);   /* the caller has its common prefix now: go on after every key under it */
  l->after = past;
  l->seek = 1;
  return 1;
}

char *svc_list_seek(const char *key, const char *prefix, const char *delim) {
  const char *d = *delim && strlen(key) >= strlen(prefix) ? strstr(key + strlen(prefix), delim) : NULL;
  return d ? meta_key_ceiling(key, (size_t)(d - key) + strlen(delim)) : NULL;
}

int svc_object_list(svc_t *s, const struct principal *p, const char *bucket, const char *prefix,
                    const char *delim, const char *after, meta_object_cb cb, void *ctx, char owner[65]) {
  struct meta_bucket b;
  int rc = svc_bucket_load(s, p, bucket, AZ_LIST_BUCKET, NULL, prefix, &b);
  if (rc) return rc;
  if (owner) snprintf(owner, 65, "%s", b.owner);
  struct list_ctx l = {cb, ctx, b.lifecycle, time_now_ms(), s->cfg->lifecycle_day_ms, 0, 0, xstrdup(after ? after : ""),
                       prefix, delim ? delim : "", 0};
  b.lifecycle = NULL;   /* l owns the rules now */
  meta_bucket_clear(&b);
  do {
    l.rows = 0;
    l.seek = 0;
    rc = meta_object_list(s->meta, bucket, prefix, l.after, 1000, list_row, &l);
    if (l.seek && rc == 1) rc = 0;
  } while (!rc && !l.stopped && (l.rows == 1000 || l.seek));
  xfree(l.rules);
  xfree(l.after);
  return rc < 0 ? rc : l.stopped;
}

/* ---- multipart ---- */

int svc_upload_create(svc_t *s, const struct principal *p, const struct meta_upload *u) {
  int rc = svc_object_write_check(s, p, u->bucket, u->key, NULL);
  return rc ? rc : meta_upload_create(s->meta, u);
}

int svc_upload_get(svc_t *s, const struct principal *p, enum authz_action a, const char *id,
                   const char *bucket, const char *key, struct meta_upload *out) {
  int rc = svc_bucket_check(s, p, bucket, a, key, NULL);
  if (rc) return rc;
  rc = meta_upload_get(s->meta, id, out);
  if (!rc && (strcmp(out->bucket, bucket) || strcmp(out->key, key))) { meta_upload_clear(out); rc = CAIRN_ENOSUCHUPLOAD; }
  return rc;
}

int svc_upload_check(svc_t *s, const struct principal *p, enum authz_action a, const char *id,
                        const char *bucket, const char *key) {
  struct meta_upload u;
  int rc = svc_upload_get(s, p, a, id, bucket, key, &u);
  if (!rc) meta_upload_clear(&u);
  return rc;
}

int svc_upload_abort(svc_t *s, const struct principal *p, const char *id, const char *bucket, const char *key) {
  int rc = svc_upload_check(s, p, AZ_ABORT_UPLOAD, id, bucket, key);
  return rc ? rc : meta_upload_delete(s->meta, id);
}

int svc_part_put(svc_t *s, const struct principal *p, const char *id, const char *bucket, const char *key,
                 const struct meta_part *part) {
  int rc = svc_upload_check(s, p, AZ_PUT_OBJECT, id, bucket, key);
  return rc ? rc : meta_part_put(s->meta, id, part);
}

int svc_part_list(svc_t *s, const struct principal *p, const char *id, const char *bucket, const char *key,
                  int with_manifest, meta_part_cb cb, void *ctx) {
  int rc = svc_upload_check(s, p, with_manifest ? AZ_PUT_OBJECT : AZ_LIST_PARTS, id, bucket, key);
  return rc ? rc : meta_part_list(s->meta, id, with_manifest, cb, ctx);
}

int svc_upload_complete(svc_t *s, const struct principal *p, const char *id, struct meta_object *o,
                        const struct svc_write_cond *cond) {
  enum svc_versioning v;
  int rc = svc_bucket_versioning(s, p, o->bucket, AZ_PUT_OBJECT, o->key, &v);
  if (rc) return rc;
  struct meta_upload u;
  rc = meta_upload_get(s->meta, id, &u);
  if (!rc) {
    if (strcmp(u.bucket, o->bucket) || strcmp(u.key, o->key)) rc = CAIRN_ENOSUCHUPLOAD;
    meta_upload_clear(&u);
  }
  if (!rc) rc = cond_check(s, o->bucket, o->key, cond);
  if (!rc) rc = svc_version_id_new(v, o->version_id);
  return rc ? rc : meta_upload_complete(s->meta, id, o, v != VERSIONING_OFF);
}

int svc_upload_completed(svc_t *s, const struct principal *p, const char *id, const char *bucket, const char *key,
                         char etag[48]) {
  int rc = svc_bucket_check(s, p, bucket, AZ_PUT_OBJECT, key, NULL);
  if (rc) return rc;
  struct meta_object o;
  if (meta_object_get(s->meta, bucket, key, &o)) return CAIRN_ENOSUCHUPLOAD;
  json_t *h = json_loads(o.headers ? o.headers : "{}", 0, NULL);
  const char *made_by = json_string_value(json_object_get(h, OBJECT_UPLOAD_ID));
  rc = made_by && !strcmp(made_by, id) ? 0 : CAIRN_ENOSUCHUPLOAD;
  if (!rc) snprintf(etag, 48, "%s", o.etag);
  json_decref(h);
  meta_object_clear(&o);
  return rc;
}

int svc_upload_list(svc_t *s, const struct principal *p, const char *bucket, meta_upload_cb cb, void *ctx) {
  int rc = svc_bucket_check(s, p, bucket, AZ_LIST_UPLOADS, NULL, NULL);
  return rc ? rc : meta_upload_list(s->meta, bucket, cb, ctx);
}

/* ---- streams ---- */

int svc_obj_writer_begin(svc_t *s, const struct cdc_params *p, int want_sha256, const struct svc_sse *sse, obj_writer_t **out) {
  uint8_t root[32];
  int rc = obj_writer_begin(s->store, p, want_sha256, svc_sse_root(s, sse, root), out);
  memset(root, 0, sizeof root);
  return rc;
}

int svc_obj_reader_open(svc_t *s, struct manifest *m, uint64_t off, uint64_t len, const struct svc_sse *sse, obj_reader_t **out) {
  uint8_t root[32];
  int rc = obj_reader_open(s->store, m, off, len, svc_sse_root(s, sse, root), out);
  memset(root, 0, sizeof root);
  return rc;
}

int object_part(const char *headers, uint64_t size, int n, uint64_t *off, uint64_t *len, int *count) {
  json_t *h = json_loads(headers ? headers : "{}", 0, NULL);
  const char *parts = json_string_value(json_object_get(h, OBJECT_PARTS));
  int rc = CAIRN_EPARTNUMBER;
  *count = 0;
  if (!parts) {   /* a single PUT: part 1 is the object */
    if (n == 1) { *off = 0; *len = size; rc = 0; }
  } else {
    uint64_t at = 0;
    int i = 0;
    for (const char *p = parts; *p; i++) {
      char *end;
      uint64_t sz = strtoull(p, &end, 10);
      if (i + 1 == n) { *off = at; *len = sz; rc = 0; }
      at += sz;
      p = *end == ',' ? end + 1 : end;
      if (end == p && *p) break;   /* not a number: stop */
    }
    *count = i;
    if (!rc && *len == 0) rc = CAIRN_EPARTNUMBER;
  }
  json_decref(h);
  return rc;
}
