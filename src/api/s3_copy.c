/* s3_copy.c - CopyObject (the manifest is reused: no bytes are copied; metadata directive COPY or
 * REPLACE), UploadPartCopy (whole source: manifest reused; a range: re-chunked, dedup keeps the
 * blocks shared), both from a version too, and DeleteObjects (batch XML, Quiet, VersionId). */
#include "s3.h"
#include "../service/buckets.h"
#include "../http/uri.h"
#include "../crypto/sigv4.h"
#include "../http/async.h"
#include "s3_xml.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/timeutil.h"
#include "../util/xmlpath.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* x-amz-copy-source ("/bucket/key" or "bucket/key", URL-encoded, optionally "?versionId=ID")
 * into *o; 0 or the error, with *why for a malformed header. *asked: a version was named. */
static int copy_source(req_t *r, struct s3_req *q, struct meta_object *o, const char **why, int *self, int *asked) {
  const char *src = http_header(r, "x-amz-copy-source");
  size_t n = strlen(src);
  const char *qm = memchr(src, '?', n), *vid = NULL;
  *why = "x-amz-copy-source must be bucket/key";
  memset(o, 0, sizeof *o);
  if (qm && strncmp(qm, "?versionId=", 11)) return CAIRN_EINVAL;
  if (qm) {
    vid = qm + 11;
    if (!svc_version_id_ok(vid)) { *why = NULL; return CAIRN_EVERSIONID; }
    n = (size_t)(qm - src);
  }
  if (asked) *asked = vid != NULL;
  char *dec = mempool_alloc(r->pool, n + 1);
  const char *derr;
  if (uri_decode_strict(src, n, dec, &derr)) return CAIRN_EINVAL;
  char *s = dec + (*dec == '/');
  char *slash = strchr(s, '/');
  int rc = slash && slash - s < 64 && slash[1] ? 0 : CAIRN_EINVAL;
  if (!rc) {
    *slash = 0;
    rc = svc_object_get_expiring(((struct app *)r->app)->svc, &q->who, AZ_GET_OBJECT, s, slash + 1, vid, o, NULL, 0);
    if (rc == CAIRN_EMETHOD) rc = CAIRN_EINVALIDREQUEST, *why = "the source version is a delete marker";
    if (self) *self = !strcmp(s, q->bucket) && !strcmp(slash + 1, q->key);
  }
  if (rc != CAIRN_EINVAL && rc != CAIRN_EINVALIDREQUEST) *why = NULL;
  return rc;
}

/* ---- byte copies: a range of a source, re-chunked (and re-sealed) through a writer ---- */

struct part_copy {
  struct s3_req *q;
  svc_t *svc;
  struct meta_object o;
  struct svc_sse src_sse;   /* what the source is sealed with; the writer seals with q->sse */
  uint64_t off, len;
  int whole;
  struct meta_object n;     /* CopyObject: the new object, given the copied manifest */
};

/* Streams the range through the chunker (blocks dedup against the source's), for the part's MD5. */
static int copy_bytes(struct part_copy *c) {
  struct s3_req *q = c->q;
  struct cdc_params cp = {CDC_DEFAULT_MIN, CDC_DEFAULT_AVG, CDC_DEFAULT_MAX};
  if (c->o.is_inline) {   /* a small source lives in its row */
    int rc = svc_obj_writer_begin(c->svc, &cp, 0, &q->sse, &q->w);
    if (rc) { q->w = NULL; return rc; }
    if ((rc = obj_writer_write(q->w, c->o.data + c->off, (size_t)c->len))) return rc;
    rc = obj_writer_finish(q->w, &q->m, q->md5, q->sha);
    q->w = NULL;
    return rc;
  }
  struct manifest src;
  manifest_init(&src);
  int rc = manifest_parse(c->o.manifest, strlen(c->o.manifest), SIZE_MAX, &src);
  if (rc) { manifest_free(&src); return CAIRN_EIO; }
  obj_reader_t *rd = NULL;
  if ((rc = svc_obj_writer_begin(c->svc, &cp, 0, &q->sse, &q->w))) { q->w = NULL; manifest_free(&src); return rc; }
  rc = svc_obj_reader_open(c->svc, &src, c->off, c->len, &c->src_sse, &rd);
  manifest_free(&src);
  enum { STEP = 64 * 1024 };
  char *buf = rc ? NULL : xmalloc(STEP);
  for (long n; !rc && (n = obj_reader_read(rd, buf, STEP)) != 0;)
    rc = n < 0 ? (int)n : obj_writer_write(q->w, buf, (size_t)n);
  xfree(buf);
  if (rd) obj_reader_close(rd);
  if (rc) return rc;   /* object_cleanup aborts the writer */
  rc = obj_writer_finish(q->w, &q->m, q->md5, q->sha);
  q->w = NULL;
  return rc;
}

/* ---- CopyObject ---- */

static int copy_answer(req_t *r, struct s3_req *q, const char *etag, const char *headers) {
  if (q->copy_src_vid) http_add_header(r, "x-amz-copy-source-version-id", q->copy_src_vid);
  s3_version_headers(r, q->version_id, 0, 0);
  s3_sse_answer(r, headers);
  char ts[40];
  time_format_iso8601_ms(time_now_ms(), ts, sizeof ts);
  sbuf_t x = {0};
  sbuf_printf(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CopyObjectResult xmlns=\"%s\">"
              "<LastModified>%s</LastModified><ETag>&quot;%s&quot;</ETag></CopyObjectResult>\n",
              S3_XMLNS, ts, etag);
  return xml_respond(r, 200, &x);
}

/* A copy into another encryption: the bytes go through a reader and a writer, on a worker. */
static void object_copy_job(void *arg) {
  struct part_copy *c = arg;
  struct s3_req *q = c->q;
  q->rc = copy_bytes(c);
  meta_object_clear(&c->o);
  if (q->rc) return;
  char *enc = manifest_encode(&q->m);
  c->n.manifest = enc;
  c->n.size = q->m.total;
  snprintf(c->n.etag, sizeof c->n.etag, "%s", q->md5);
  c->n.data = NULL;
  c->n.is_inline = 0;
  q->rc = svc_object_put(c->svc, &q->who, &c->n);
  snprintf(q->version_id, sizeof q->version_id, "%s", c->n.version_id);
  xfree(enc);
}

int s3_copy_object(req_t *r, struct s3_req *q) {
  struct app *a = r->app;
  if (q->committing) return q->rc ? http_fail(r, q->rc, NULL) : copy_answer(r, q, q->md5, q->sse_headers);
  struct meta_object o;
  struct svc_sse src_asked, src, dst;
  const char *why = NULL;
  int self = 0, asked = 0;
  int rc = copy_source(r, q, &o, &why, &self, &asked);
  if (!rc) rc = s3_sse_parse(r, 1, &src_asked, &why);
  if (!rc) rc = svc_sse_for_read(a->svc, o.headers, &src_asked, &src);
  if (!rc) rc = svc_sse_for_write(a->svc, q->bucket, &q->sse, &dst);
  if (rc) { meta_object_clear(&o); return http_fail(r, rc, why); }
  rc = s3_copy_preconditions(r, o.etag, o.created_ms);
  const char *dir = http_header(r, "x-amz-metadata-directive");
  int replace = dir && !strcmp(dir, "REPLACE"), same = svc_sse_same(&src, &dst);
  if (!rc && dir && !replace && strcmp(dir, "COPY")) rc = CAIRN_EINVAL, why = "x-amz-metadata-directive must be COPY or REPLACE";
  if (!rc && self && !replace && same) {   /* S3: a copy onto itself must change something */
    rc = CAIRN_EINVALIDREQUEST;
    why = "copying an object onto itself needs x-amz-metadata-directive: REPLACE";
  }
  if (rc) { meta_object_clear(&o); return http_fail(r, rc, why); }
  if (asked || strcmp(o.version_id, "null")) q->copy_src_vid = mempool_strdup(r->pool, o.version_id);
  struct meta_object n = o;   /* same manifest, size and ETag */
  snprintf(n.bucket, sizeof n.bucket, "%s", q->bucket);
  n.key = (char *)q->key;
  n.created_ms = time_now_ms();
  if (replace) {
    const char *ct = http_header(r, "Content-Type");
    n.content_type = (char *)(ct ? ct : "binary/octet-stream");
    n.headers = s3_headers_from_request(r);
  }
  char *h = svc_sse_headers(a->svc, &dst, n.headers);   /* the copy's own encryption, recorded */
  char *hs = mempool_strdup(r->pool, h);
  n.headers = hs;
  q->sse_headers = hs;
  xfree(h);
  n.content_type = mempool_strdup(r->pool, n.content_type);
  if (!same || (o.is_inline && dst.mode != SSE_NONE)) {   /* re-sealed: the bytes must move */
    struct part_copy *c = mempool_alloc(r->pool, sizeof *c);
    *c = (struct part_copy){q, a->svc, o, src, 0, o.size, 1, n};
    c->n.key = (char *)q->key;
    c->n.tags = mempool_strdup(r->pool, o.tags ? o.tags : "{}");
    q->sse = dst;
    q->committing = 1;
    return http_defer(r, object_copy_job, c);
  }
  rc = svc_object_put(a->svc, &q->who, &n);
  snprintf(q->version_id, sizeof q->version_id, "%s", n.version_id);
  char etag[48];
  snprintf(etag, sizeof etag, "%s", o.etag);
  meta_object_clear(&o);
  if (rc) return http_fail(r, rc, why);
  return copy_answer(r, q, etag, q->sse_headers);
}

/* ---- UploadPartCopy: a part made of (a byte range of) an existing object ---- */

static void part_copy_job(void *arg) {
  struct part_copy *c = arg;
  struct s3_req *q = c->q;
  if (c->whole && strlen(c->o.etag) == 32 && !c->o.is_inline && svc_sse_same(&c->src_sse, &q->sse)) {
    /* a single-part source sealed alike: its ETag is its MD5, its manifest is the part's */
    q->rc = manifest_parse(c->o.manifest, strlen(c->o.manifest), SIZE_MAX, &q->m) ? CAIRN_EIO : 0;
    memcpy(q->md5, c->o.etag, 33);   /* 32 hex digits and the NUL */
  } else {
    q->rc = copy_bytes(c);
  }
  meta_object_clear(&c->o);
  if (q->rc) return;
  char *enc = manifest_encode(&q->m);
  struct meta_part p = {q->part, q->m.total, "", enc, time_now_ms(), ""};
  snprintf(p.etag, sizeof p.etag, "%s", q->md5);
  q->rc = svc_part_put(c->svc, &q->who, q->upload_id, q->bucket, q->key, &p);
  xfree(enc);
}

/* "bytes=FIRST-LAST" within size (the only form x-amz-copy-source-range takes). */
static int copy_range(const char *h, uint64_t size, uint64_t *off, uint64_t *len) {
  if (!h) { *off = 0; *len = size; return 0; }
  char *e1, *e2;
  if (strncmp(h, "bytes=", 6) || !isdigit((unsigned char)h[6])) return CAIRN_EINVAL;
  unsigned long long a = strtoull(h + 6, &e1, 10);
  if (*e1 != '-' || !isdigit((unsigned char)e1[1])) return CAIRN_EINVAL;
  unsigned long long b = strtoull(e1 + 1, &e2, 10);
  if (*e2) return CAIRN_EINVAL;   /* one range only */
  if (b < a || b >= size) return CAIRN_ERANGE;
  *off = a;
  *len = b - a + 1;
  return 0;
}

int s3_upload_part_copy(req_t *r, struct s3_req *q) {
  struct app *a = r->app;
  if (!q->committing) {
    struct part_copy *c = mempool_alloc(r->pool, sizeof *c);
    const char *why, *rh = http_header(r, "x-amz-copy-source-range");
    int asked = 0;
    struct svc_sse src_asked;
    int rc = copy_source(r, q, &c->o, &why, NULL, &asked);
    if (!rc) rc = s3_sse_parse(r, 1, &src_asked, &why);
    if (!rc) rc = svc_sse_for_read(a->svc, c->o.headers, &src_asked, &c->src_sse);
    if (rc) { meta_object_clear(&c->o); return http_fail(r, rc, why); }
    if (asked || strcmp(c->o.version_id, "null")) snprintf(q->version_id, sizeof q->version_id, "%s", c->o.version_id);
    if (!rc) rc = copy_range(rh, c->o.size, &c->off, &c->len);
    if (!rc) rc = s3_copy_preconditions(r, c->o.etag, c->o.created_ms);
    if (rc) {
      meta_object_clear(&c->o);
      return http_fail(r, rc, rc == CAIRN_EINVAL ? "x-amz-copy-source-range must be one range, bytes=FIRST-LAST" : NULL);
    }
    c->q = q;
    c->svc = a->svc;
    c->whole = !rh;
    q->committing = 1;
    return http_defer(r, part_copy_job, c);
  }
  if (q->rc) return http_fail(r, q->rc, NULL);
  if (*q->version_id) http_add_header(r, "x-amz-copy-source-version-id", q->version_id);   /* the source's */
  char ts[40];
  time_format_iso8601_ms(time_now_ms(), ts, sizeof ts);
  sbuf_t x = {0};
  sbuf_printf(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CopyPartResult xmlns=\"%s\">"
              "<LastModified>%s</LastModified><ETag>&quot;%s&quot;</ETag></CopyPartResult>\n",
              S3_XMLNS, ts, q->md5);
  return xml_respond(r, 200, &x);
}

/* ---- DeleteObjects ---- */

/* The <Object> entries: keys[i] and vids[i] (NULL without a VersionId); bad: too many, or an
 * Object without a Key. */
struct dparse { char **keys, **vids; int n, cap, quiet, bad; };

static void d_open(void *ctx, const char *path) {
  struct dparse *d = ctx;
  if (strcmp(path, "/Delete/Object")) return;
  if (d->n && !d->keys[d->n - 1]) d->bad = 1;   /* the previous Object had no Key */
  if (d->n >= 1000) { d->bad = 1; return; }     /* S3: at most 1000 keys a request */
  if (d->n == d->cap) {
    d->cap = d->cap ? d->cap * 2 : 64;
    d->keys = xrealloc(d->keys, (size_t)d->cap * sizeof *d->keys);
    d->vids = xrealloc(d->vids, (size_t)d->cap * sizeof *d->vids);
  }
  d->keys[d->n] = d->vids[d->n] = NULL;
  d->n++;
}

static void d_leaf(void *ctx, const char *path, const char *text) {
  struct dparse *d = ctx;
  if (!strcmp(path, "/Delete/Quiet")) d->quiet = !strcmp(text, "true");
  char **slot = !strcmp(path, "/Delete/Object/Key") ? d->keys : !strcmp(path, "/Delete/Object/VersionId") ? d->vids : NULL;
  if (!slot || d->bad || !d->n) return;
  if (slot[d->n - 1]) { d->bad = 1; return; }   /* twice in one Object */
  slot[d->n - 1] = xstrdup(text);
}

int s3_delete_objects(req_t *r, struct s3_req *q) {
  struct app *a = r->app;
  int rc = svc_bucket_check(a->svc, &q->who, q->bucket, AZ_LIST_BUCKET, NULL, NULL);
  if (rc == CAIRN_EAUTH) rc = svc_bucket_check(a->svc, &q->who, q->bucket, AZ_DELETE_OBJECT, "", NULL);
  if (rc) return http_fail(r, rc, NULL);
  struct dparse d = {0};
  int ok = !xmlpath_parse(q->xml.s ? q->xml.s : "", q->xml.len, d_open, d_leaf, &d) && !d.bad &&
           (!d.n || d.keys[d.n - 1]);
  sbuf_t x = {0};
  if (ok) {
    sbuf_printf(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeleteResult xmlns=\"%s\">", S3_XMLNS);
    for (int i = 0; i < d.n; i++) {
      struct svc_deleted del;
      int e = d.vids[i] && !svc_version_id_ok(d.vids[i]) ? CAIRN_ENOSUCHVERSION   /* as S3 answers in a batch */
              : svc_object_delete(a->svc, &q->who, q->bucket, d.keys[i], d.vids[i], &del);
      if (!e) {   /* deleting a missing key succeeds, as in S3 */
        if (!d.quiet) {
          sbuf_adds(&x, "<Deleted>");
          xml_elem(&x, "Key", d.keys[i]);
          if (d.vids[i]) xml_elem(&x, "VersionId", d.vids[i]);
          if (del.delete_marker) {
            sbuf_adds(&x, "<DeleteMarker>true</DeleteMarker>");
            xml_elem(&x, "DeleteMarkerVersionId", del.version_id);
          }
          sbuf_adds(&x, "</Deleted>");
        }
      } else {
        sbuf_adds(&x, "<Error>");
        xml_elem(&x, "Key", d.keys[i]);
        if (d.vids[i]) xml_elem(&x, "VersionId", d.vids[i]);
        xml_elem(&x, "Code", cairn_errcode(e));
        xml_elem(&x, "Message", cairn_strerror(e));
        sbuf_adds(&x, "</Error>");
      }
    }
    sbuf_adds(&x, "</DeleteResult>\n");
  }
  for (int i = 0; i < d.n; i++) { xfree(d.keys[i]); xfree(d.vids[i]); }
  xfree(d.keys);
  xfree(d.vids);
  if (!ok) return http_fail(r, CAIRN_EMALFORMEDXML, NULL);
  return xml_respond(r, 200, &x);
}
