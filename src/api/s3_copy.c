/* s3_copy.c - CopyObject (the manifest is reused: no bytes are copied; metadata directive COPY or
 * REPLACE) and DeleteObjects (batch XML, Quiet). */
#include "s3.h"
#include "../crypto/sigv4.h"
#include "../http/xml.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/timeutil.h"
#include "../util/xmlpath.h"
#include <string.h>

int s3_copy_object(req_t *r, struct s3_req *q) {
  struct app *a = r->app;
  const char *src = http_header(r, "x-amz-copy-source");
  char *dec = sigv4_uri_decode(src, strlen(src));
  if (!dec) return http_fail(r, CAIRN_EINVAL, "x-amz-copy-source is not valid");
  char *s = dec + (*dec == '/');
  char *qm = strchr(s, '?');   /* ?versionId=...: versioning is not enabled, ignore */
  if (qm) *qm = 0;
  char *slash = strchr(s, '/');
  struct meta_object o;
  int rc = slash && slash - s < 64 ? 0 : CAIRN_EINVAL;
  if (!rc) {
    *slash = 0;
    rc = meta_object_get(a->meta, s, slash + 1, &o);
  }
  xfree(dec);
  if (rc) return http_fail(r, rc, rc == CAIRN_EINVAL ? "x-amz-copy-source must be bucket/key" : NULL);
  rc = s3_preconditions(r, o.etag, o.created_ms);   /* x-amz-copy-source-if-* are not read yet */
  const char *dir = http_header(r, "x-amz-metadata-directive");
  int replace = dir && !strcmp(dir, "REPLACE");
  if (dir && !replace && strcmp(dir, "COPY")) rc = CAIRN_EINVAL;
  if (!rc) {
    struct meta_object n = o;   /* same manifest, size and ETag */
    snprintf(n.bucket, sizeof n.bucket, "%s", q->bucket);
    n.key = (char *)q->key;
    n.created_ms = time_now_ms();
    if (replace) {
      const char *ct = http_header(r, "Content-Type");
      n.content_type = (char *)(ct ? ct : "binary/octet-stream");
      n.headers = s3_headers_from_request(r);
    }
    rc = meta_object_put(a->meta, &n);
  }
  char etag[48];
  snprintf(etag, sizeof etag, "%s", o.etag);
  meta_object_clear(&o);
  if (rc) return http_fail(r, rc == CAIRN_ENOTMODIFIED ? CAIRN_EPRECONDITION : rc, NULL);
  char ts[40];
  time_format_iso8601_ms(time_now_ms(), ts, sizeof ts);
  sbuf_t x = {0};
  sbuf_printf(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CopyObjectResult xmlns=\"%s\">"
              "<LastModified>%s</LastModified><ETag>&quot;%s&quot;</ETag></CopyObjectResult>\n",
              S3_XMLNS, ts, etag);
  return xml_respond(r, 200, &x);
}

/* ---- DeleteObjects ---- */

struct dparse { char **keys; int n, cap, quiet, bad; };

static void d_leaf(void *ctx, const char *path, const char *text) {
  struct dparse *d = ctx;
  if (!strcmp(path, "/Delete/Quiet")) d->quiet = !strcmp(text, "true");
  if (strcmp(path, "/Delete/Object/Key")) return;
  if (d->n >= 1000) { d->bad = 1; return; }   /* S3: at most 1000 keys a request */
  if (d->n == d->cap) { d->cap = d->cap ? d->cap * 2 : 64; d->keys = xrealloc(d->keys, (size_t)d->cap * sizeof *d->keys); }
  d->keys[d->n++] = xstrdup(text);
}

int s3_delete_objects(req_t *r, struct s3_req *q) {
  struct app *a = r->app;
  struct meta_bucket b;
  int rc = meta_bucket_get(a->meta, q->bucket, &b);
  if (rc) return http_fail(r, rc, NULL);
  struct dparse d = {0};
  int ok = !xmlpath_parse(q->xml.s ? q->xml.s : "", q->xml.len, NULL, d_leaf, &d) && !d.bad;
  sbuf_t x = {0};
  if (ok) {
    sbuf_printf(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeleteResult xmlns=\"%s\">", S3_XMLNS);
    for (int i = 0; i < d.n; i++) {
      int e = meta_object_delete(a->meta, q->bucket, d.keys[i]);
      if (!e || e == CAIRN_ENOSUCHKEY) {   /* deleting a missing key succeeds, as in S3 */
        if (!d.quiet) { sbuf_adds(&x, "<Deleted>"); xml_elem(&x, "Key", d.keys[i]); sbuf_adds(&x, "</Deleted>"); }
      } else {
        sbuf_adds(&x, "<Error>");
        xml_elem(&x, "Key", d.keys[i]);
        xml_elem(&x, "Code", cairn_errcode(e));
        xml_elem(&x, "Message", cairn_strerror(e));
        sbuf_adds(&x, "</Error>");
      }
    }
    sbuf_adds(&x, "</DeleteResult>\n");
  }
  for (int i = 0; i < d.n; i++) xfree(d.keys[i]);
  xfree(d.keys);
  if (!ok) return http_fail(r, CAIRN_EMALFORMEDXML, NULL);
  return xml_respond(r, 200, &x);
}
