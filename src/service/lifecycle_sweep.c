/* lifecycle_sweep.c - the janitor's lifecycle pass over every bucket with rules: expired objects
 * deleted (or, in a versioned bucket, hidden behind a delete marker), noncurrent versions past
 * NoncurrentDays and lone delete markers removed, stale multipart uploads aborted. In batches:
 * no key list of a big bucket is held whole. */
#include "lifecycle.h"
#include "objects.h"   /* versioning: svc_versioning_of, svc_version_id_new */
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/timeutil.h"
#include <stdio.h>
#include <string.h>

struct victims { char **keys; int n, cap; const char *rules; int64_t now, day; char *after; };

static void push(struct victims *v, const char *s) {
  if (v->n == v->cap) { v->cap = v->cap ? v->cap * 2 : 64; v->keys = xrealloc(v->keys, (size_t)v->cap * sizeof *v->keys); }
  v->keys[v->n++] = xstrdup(s);
}

static int on_object(void *ctx, const struct meta_object *o) {
  struct victims *v = ctx;
  xfree(v->after);
  v->after = xstrdup(o->key);
  if (lifecycle_expired(v->rules, o->key, o->tags, o->created_ms, v->now, v->day)) push(v, o->key);
  return 0;
}

static int on_upload(void *ctx, const struct meta_upload *u) {
  struct victims *v = ctx;
  if (lifecycle_abort_due(v->rules, u->key, u->created_ms, v->now, v->day)) push(v, u->id);
  return 0;
}

static int collect_bucket(void *ctx, const struct meta_bucket *b) {
  struct victims *names = ctx;
  push(names, b->name);
  return 0;
}

/* ---- versions: noncurrent ones past NoncurrentDays, delete markers left alone ---- */

struct vsweep { const char *rules; int64_t now, day; char **keys, **vids; int n, cap;
                char *after; int64_t after_seq; int rows; char *marker_key, *marker_vid; };

static void vpush(struct vsweep *v, const char *key, const char *vid) {
  if (v->n == v->cap) {
    v->cap = v->cap ? v->cap * 2 : 64;
    v->keys = xrealloc(v->keys, (size_t)v->cap * sizeof *v->keys);
    v->vids = xrealloc(v->vids, (size_t)v->cap * sizeof *v->vids);
  }
  v->keys[v->n] = xstrdup(key);
  v->vids[v->n++] = xstrdup(vid);
}

/* A latest delete marker waits for the next row: it is expired when no older version follows. */
static void marker_settle(struct vsweep *v, const char *next_key) {
  if (!v->marker_key) return;
  if (!next_key || strcmp(next_key, v->marker_key)) vpush(v, v->marker_key, v->marker_vid);
  xfree(v->marker_key);
  xfree(v->marker_vid);
  v->marker_key = v->marker_vid = NULL;
}

static int on_version(void *ctx, const struct meta_object *o) {
  struct vsweep *v = ctx;
  v->rows++;
  xfree(v->after);
  v->after = xstrdup(o->key);
  v->after_seq = o->seq;
  marker_settle(v, o->key);
  if (o->is_latest) {
    if (o->delete_marker && lifecycle_marker_rule(v->rules, o->key)) {
      v->marker_key = xstrdup(o->key);
      v->marker_vid = xstrdup(o->version_id);
    }
  } else if (lifecycle_noncurrent_due(v->rules, o->key, o->tags, o->noncurrent_ms, v->now, v->day)) {
    vpush(v, o->key, o->version_id);
  }
  return 0;
}

static int sweep_versions(meta_t *m, const char *bucket, const char *rules, int64_t day_ms) {
  struct vsweep v = {rules, time_now_ms(), day_ms, NULL, NULL, 0, 0, xstrdup(""), -1, 0, NULL, NULL};
  int deleted = 0, rc;
  do {   /* in batches: the version list of a big bucket is never held whole */
    v.rows = 0;
    char *after = xstrdup(v.after);
    rc = meta_object_versions_list(m, bucket, "", after, v.after_seq, 1000, on_version, &v);
    xfree(after);
    if (rc || v.rows < 1000) marker_settle(&v, NULL);
    for (int k = 0; k < v.n; k++) {
      int was_marker;
      if (!meta_object_version_delete(m, bucket, v.keys[k], v.vids[k], &was_marker)) deleted++;
      xfree(v.keys[k]);
      xfree(v.vids[k]);
    }
    v.n = 0;
  } while (!rc && v.rows == 1000);
  xfree(v.keys);
  xfree(v.vids);
  xfree(v.after);
  return deleted;
}

/* An expired current object: deleted, or in a versioned bucket hidden behind a delete marker. */
static int expire_current(meta_t *m, const char *bucket, const char *key, enum svc_versioning ver) {
  if (ver == VERSIONING_OFF) return meta_object_delete(m, bucket, key);
  struct meta_object mk = {0};
  snprintf(mk.bucket, sizeof mk.bucket, "%s", bucket);
  mk.key = (char *)key;
  mk.created_ms = time_now_ms();
  int rc = svc_version_id_new(ver, mk.version_id);
  return rc ? rc : meta_object_delete_marker(m, &mk);
}

int lifecycle_sweep(meta_t *m, int64_t day_ms, int *deleted, int *aborted) {
  *deleted = *aborted = 0;
  struct victims buckets = {0};
  int rc = meta_bucket_list(m, collect_bucket, &buckets);
  for (int i = 0; !rc && i < buckets.n; i++) {
    struct meta_bucket b;
    if (meta_bucket_get(m, buckets.keys[i], &b)) continue;
    char *rules = b.lifecycle;
    enum svc_versioning ver = svc_versioning_of(b.versioning);
    b.lifecycle = NULL;
    meta_bucket_clear(&b);
    if (!rules) continue;
    struct victims v = {NULL, 0, 0, rules, time_now_ms(), day_ms, xstrdup("")};
    int before;
    do {   /* in batches: the key list of a big bucket is never held whole */
      before = v.n;
      char *after = xstrdup(v.after);
      meta_object_list(m, buckets.keys[i], "", after, 1000, on_object, &v);
      int moved = strcmp(after, v.after);
      xfree(after);
      for (int k = before; k < v.n; k++) if (!expire_current(m, buckets.keys[i], v.keys[k], ver)) (*deleted)++;
      if (!moved) break;
    } while (1);
    for (int k = 0; k < v.n; k++) xfree(v.keys[k]);
    v.n = 0;
    if (ver != VERSIONING_OFF) *deleted += sweep_versions(m, buckets.keys[i], rules, day_ms);
    meta_upload_list(m, buckets.keys[i], on_upload, &v);
    for (int k = 0; k < v.n; k++) { if (!meta_upload_delete(m, v.keys[k])) (*aborted)++; xfree(v.keys[k]); }
    xfree(v.keys);
    xfree(v.after);
    xfree(rules);
  }
  for (int i = 0; i < buckets.n; i++) xfree(buckets.keys[i]);
  xfree(buckets.keys);
  if (*deleted || *aborted) LOGI("lifecycle: deleted %d expired objects and versions, aborted %d stale uploads", *deleted, *aborted);
  return rc;
}
