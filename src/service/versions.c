/* versions.c - S3 object versioning as typed operations (objects.h): version ids, writes that
 * keep the version they replace, delete markers, reads and deletes of one version, and the
 * version listing. Buckets whose versioning was never set take the unversioned paths of
 * object_ops.c (one "null" version per key, group-committed). */
#include "buckets.h"
#include "lifecycle.h"
#include "objects.h"
#include "svc_internal.h"
#include "../crypto/hash.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/hex.h"
#include "../util/timeutil.h"
#include <stdio.h>
#include <string.h>

enum svc_versioning svc_versioning_of(const char *state) {
  if (!state || !*state) return VERSIONING_OFF;
  return !strcmp(state, "Enabled") ? VERSIONING_ENABLED : VERSIONING_SUSPENDED;
}

int svc_version_id_ok(const char *vid) {
  if (!strcmp(vid, "null")) return 1;
  size_t n = strlen(vid);
  if (n != VERSION_ID_LEN) return 0;
  for (size_t i = 0; i < n; i++) if (!strchr("0123456789abcdef", vid[i])) return 0;
  return 1;
}

int svc_version_id_new(enum svc_versioning v, char out[40]) {
  if (v != VERSIONING_ENABLED) { snprintf(out, 40, "null"); return 0; }
  unsigned char r[VERSION_ID_LEN / 2];
  int rc = crypto_random(r, sizeof r);
  if (!rc) hex_encode(r, sizeof r, out);
  return rc;
}

int svc_object_row_init(enum svc_versioning v, struct meta_object *o) {
  o->seq = 0;   /* the metadata layer places it */
  o->delete_marker = 0;
  if (v != VERSIONING_OFF) return svc_version_id_new(v, o->version_id);
  snprintf(o->version_id, sizeof o->version_id, "null");
  return 0;
}

int svc_object_store(svc_t *s, enum svc_versioning v, struct meta_object *o) {
  int rc = svc_object_row_init(v, o);
  if (rc) return rc;
  return v == VERSIONING_OFF ? meta_object_put(s->meta, o) : meta_object_put_version(s->meta, o);
}

int svc_bucket_versioning(svc_t *s, const struct principal *p, const char *bucket, enum authz_action a,
                          const char *key, enum svc_versioning *v) {
  struct meta_bucket b;
  int rc = svc_bucket_load(s, p, bucket, a, key, NULL, &b);
  if (rc) return rc;
  *v = svc_versioning_of(b.versioning);
  meta_bucket_clear(&b);
  return 0;
}

int svc_object_delete(svc_t *s, const struct principal *p, const char *bucket, const char *key, const char *vid,
                      struct svc_deleted *out) {
  memset(out, 0, sizeof *out);
  if (vid && !svc_version_id_ok(vid)) return CAIRN_EVERSIONID;
  enum svc_versioning v;
  int rc = svc_bucket_versioning(s, p, bucket, vid ? AZ_DELETE_OBJECT_VERSION : AZ_DELETE_OBJECT, key, &v);
  if (rc) return rc;
  if (vid) {   /* that version, for good */
    rc = meta_object_version_delete(s->meta, bucket, key, vid, &out->delete_marker);
    if (!rc || v != VERSIONING_OFF) snprintf(out->version_id, sizeof out->version_id, "%s", vid);
    return rc == CAIRN_ENOSUCHVERSION ? 0 : rc;   /* S3: deleting what is not there succeeds */
  }
  if (v == VERSIONING_OFF) {
    rc = meta_object_delete(s->meta, bucket, key);
    return rc == CAIRN_ENOSUCHKEY ? 0 : rc;
  }
  struct meta_object mk = {0};
  snprintf(mk.bucket, sizeof mk.bucket, "%s", bucket);
  mk.key = (char *)key;
  mk.created_ms = time_now_ms();
  if ((rc = svc_version_id_new(v, mk.version_id))) return rc;
  rc = meta_object_delete_marker(s->meta, &mk);
  if (!rc) { out->delete_marker = 1; snprintf(out->version_id, sizeof out->version_id, "%s", mk.version_id); }
  return rc;
}

int svc_object_get_version(svc_t *s, const struct principal *p, enum authz_action a, const char *bucket,
                           const char *key, const char *vid, struct meta_object *out) {
  memset(out, 0, sizeof *out);
  if (!svc_version_id_ok(vid)) return CAIRN_EVERSIONID;
  if (a == AZ_GET_OBJECT) a = AZ_GET_OBJECT_VERSION;
  int rc = svc_bucket_check(s, p, bucket, a, key, NULL);
  if (!rc) rc = meta_object_version_get(s->meta, bucket, key, vid, out);
  if (!rc && out->delete_marker) {   /* S3: 405, saying it is a delete marker */
    char id[40];
    snprintf(id, sizeof id, "%s", out->version_id);
    meta_object_clear(out);
    snprintf(out->version_id, sizeof out->version_id, "%s", id);
    out->delete_marker = 1;
    rc = CAIRN_EMETHOD;
  }
  return rc;
}

void svc_object_latest_marker(svc_t *s, const char *bucket, const char *key, struct meta_object *out) {
  struct meta_object o;
  memset(out, 0, sizeof *out);
  if (meta_object_version_get(s->meta, bucket, key, NULL, &o)) return;
  if (o.delete_marker) { out->delete_marker = 1; snprintf(out->version_id, sizeof out->version_id, "%s", o.version_id); }
  meta_object_clear(&o);
}

/* ---- ListObjectVersions: batches of 1000 rows ---- */

struct vlist {
  meta_object_cb cb; void *ctx; int rows, stopped; char *after; int64_t after_seq;
  const char *prefix, *delim; int seek;
};

static int vlist_row(void *ctx, const struct meta_object *o) {
  struct vlist *l = ctx;
  l->rows++;
  xfree(l->after);
  l->after = xstrdup(o->key);
  l->after_seq = o->seq;
  int rc = l->cb(l->ctx, o);
  if (rc) { l->stopped = rc; return rc; }
  char *past = svc_list_seek(o->key, l->prefix, l->delim);
  if (!past) return 0;
  xfree(l->after);   /* its common prefix is given: on after every version of every key under it */
  l->after = past;
  l->after_seq = -1;
  l->seek = 1;
  return 1;
}

int svc_object_versions_list(svc_t *s, const struct principal *p, const char *bucket, const char *prefix,
                             const char *delim, const char *key_marker, const char *vid_marker, meta_object_cb cb, void *ctx,
                             char owner[65]) {
  struct meta_bucket b;
  int rc = svc_bucket_load(s, p, bucket, AZ_LIST_VERSIONS, NULL, prefix, &b);
  if (rc) return rc;
  if (owner) snprintf(owner, 65, "%s", b.owner);
  meta_bucket_clear(&b);
  struct vlist l = {cb, ctx, 0, 0, xstrdup(key_marker ? key_marker : ""), -1, prefix, delim ? delim : "", 0};
  if (vid_marker && *vid_marker) {   /* resume after that version of key_marker */
    struct meta_object m;
    rc = svc_version_id_ok(vid_marker) ? meta_object_version_get(s->meta, bucket, l.after, vid_marker, &m) : CAIRN_EVERSIONID;
    if (rc == CAIRN_ENOSUCHVERSION) rc = CAIRN_EVERSIONID;
    if (!rc) { l.after_seq = m.seq; meta_object_clear(&m); }
  }
  int page = 1000;
  while (!rc) {
    l.rows = 0;
    l.seek = 0;
    char *after = xstrdup(l.after);
    rc = meta_object_versions_list(s->meta, bucket, prefix, after, l.after_seq, page, vlist_row, &l);
    xfree(after);
    if (l.seek && rc == 1) rc = 0;
    if (rc || l.stopped || (l.rows < page && !l.seek)) break;
    page = l.seek ? 32 : 1000;   /* past a common prefix the next one is often near: small pages */
  }
  xfree(l.after);
  return rc < 0 ? rc : l.stopped;
}
