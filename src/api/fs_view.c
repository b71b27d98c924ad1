/* fs_view.c - a dataset version as a file tree (see fs_view.h). */
#include "fs_view.h"
#include "mime.h"
#include "../crypto/hash.h"
#include "../http/range.h"
#include "../service/datasets.h"
#include "../service/objects.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/sbuf.h"
#include "../util/timeutil.h"
#include <stdio.h>
#include <string.h>

struct view_hold { svc_t *svc; ds_view_t *view; };
static void view_release(void *p) {
  struct view_hold *h = p;
  svc_ds_view_close(h->svc, h->view);
}

/* The error answered; non-zero, so the caller stops (http_fail itself returns 0: "answered"). */
static int refuse(req_t *r, int err, const char *why) {
  http_fail(r, err, why);
  return 1;
}

int fs_view_open(req_t *r, struct fs_view *v, const char **rest) {
  struct app *a = r->app;
  memset(v, 0, sizeof *v);
  const char *t = r->tail, *s1 = strchr(t, '/');
  const char *s2 = s1 ? strchr(s1 + 1, '/') : NULL;
  size_t nl = s1 ? (size_t)(s1 - t) : strlen(t);
  size_t tl = s1 ? (s2 ? (size_t)(s2 - s1 - 1) : strlen(s1 + 1)) : 0;
  if (!nl || nl >= sizeof v->name || !tl || tl >= sizeof v->tag)
    return refuse(r, CAIRN_ENOENT, "use /fs/NAME/TAG/PATH");
  memcpy(v->name, t, nl);
  memcpy(v->tag, s1 + 1, tl);
  *rest = s2 ? s2 + 1 : "";
  struct principal who;
  api_principal(r, &who);
  int rc = svc_ds_view_open(a->svc, &who, v->name, v->tag, v->version, &v->immutable, &v->public_read, &v->view);
  if (rc == CAIRN_EAUTH) return refuse(r, rc, "this dataset is private: sign the request or use a presigned URL");
  if (rc == CAIRN_EIO) return refuse(r, rc, "stored manifest is unreadable");
  if (rc) return refuse(r, rc, "no such dataset, tag or version");
  struct view_hold *h = mempool_alloc(r->pool, sizeof *h);
  *h = (struct view_hold){a->svc, v->view};
  mempool_on_cleanup(r->pool, view_release, h);
  v->m = ds_view_manifest(v->view);
  return 0;
}

const struct ds_entry *fs_view_lookup(const struct fs_view *v, const char *path, int *is_dir) {
  return dsm_lookup(v->m, path, is_dir);
}

void fs_view_children(const struct fs_view *v, const char *dir, fs_child_cb cb, void *ctx) {
  dsm_children(v->m, dir, cb, ctx);
}

static long read_cb(void *cls, uint64_t pos, char *buf, size_t max) {
  (void)pos;
  long n = obj_reader_read(cls, buf, max);
  return n < 0 ? -1 : n;   /* a missing or corrupt block aborts the connection */
}
static void close_cb(void *cls) { obj_reader_close(cls); }

static void copy_blocks(const struct ds_entry *e, struct manifest *m) {
  manifest_init(m);
  for (size_t k = 0; k < e->blocks.n; k++) manifest_add(m, e->blocks.b[k].id, e->blocks.b[k].size);
}

void fs_view_etag(const struct ds_entry *e, char out[40]) {
  sbuf_t ids = {0};
  for (size_t k = 0; k < e->blocks.n; k++) sbuf_printf(&ids, "%s+%llu\n", e->blocks.b[k].id, (unsigned long long)e->blocks.b[k].size);
  char hash[65];
  sha256_hex(ids.s ? ids.s : "", ids.len, hash);   /* same content, same ETag, in any dataset */
  sbuf_free(&ids);
  snprintf(out, 40, "\"%.32s\"", hash);
}

int fs_view_send_file(req_t *r, const struct fs_view *v, const struct ds_entry *e) {
  struct app *a = r->app;
  char etag[40], date[64], cr[96];
  fs_view_etag(e, etag);
  time_format_http((time_t)e->mtime, date, sizeof date);
  http_add_header(r, "ETag", etag);
  http_add_header(r, "Last-Modified", date);
  http_add_header(r, "Accept-Ranges", "bytes");
  http_add_header(r, "Cache-Control", v->immutable ? (v->public_read ? "public, max-age=31536000, immutable" : "private, max-age=31536000, immutable")
                                                   : (v->public_read ? "public, max-age=60" : "private, max-age=60"));
  const char *inm = http_header(r, "If-None-Match");
  if (inm && (strstr(inm, etag) || !strcmp(inm, "*"))) return http_respond_buf(r, 304, NULL, "", 0);
  uint64_t off = 0, len = e->size;
  int status = 200;
  const char *rg = range_if_range_holds(http_header(r, "If-Range"), etag, (time_t)e->mtime) ? http_header(r, "Range") : NULL;
  switch (range_parse(rg, e->size, &off, &len)) {
  case RANGE_UNSATISFIABLE:
    snprintf(cr, sizeof cr, "bytes */%llu", (unsigned long long)e->size);
    http_add_header(r, "Content-Range", cr);
    return http_fail(r, CAIRN_ERANGE, NULL);
  case RANGE_OK:
    status = 206;
    snprintf(cr, sizeof cr, "bytes %llu-%llu/%llu", (unsigned long long)off, (unsigned long long)(off + len - 1),
             (unsigned long long)e->size);
    http_add_header(r, "Content-Range", cr);
    break;
  case RANGE_NONE: break;
  }
  http_add_header(r, "Content-Type", mime_type(e->path));
  http_add_header(r, "X-Content-Type-Options", "nosniff");
  if (!strcmp(r->method, "HEAD") || !len) return !strcmp(r->method, "HEAD") ? http_respond_head(r, status, len) : http_respond_buf(r, status, NULL, "", 0);
  struct manifest m;
  copy_blocks(e, &m);
  obj_reader_t *rd;
  int rc = api_transfer_share(r);
  if (!rc) rc = svc_obj_reader_open(a->svc, &m, off, len, NULL, &rd);
  manifest_free(&m);
  if (rc == CAIRN_EBUSY) { http_clear_headers(r); return rc; }   /* parked; end runs again */
  if (rc) return http_fail(r, rc, NULL);
  return http_respond_stream(r, status, len, read_cb, rd, close_cb);
}

char *fs_view_read_small(req_t *r, const struct ds_entry *e, size_t max) {
  if (e->size > max) return NULL;
  struct manifest m;
  copy_blocks(e, &m);
  obj_reader_t *rd;
  int rc = svc_obj_reader_open(((struct app *)r->app)->svc, &m, 0, e->size, NULL, &rd);
  manifest_free(&m);
  if (rc) return NULL;
  char *buf = xmalloc(e->size + 1);
  size_t got = 0;
  for (long n; got < e->size && (n = obj_reader_read(rd, buf + got, e->size - got)) > 0;) got += (size_t)n;
  obj_reader_close(rd);
  if (got != e->size) { xfree(buf); return NULL; }
  buf[got] = 0;
  return buf;
}
