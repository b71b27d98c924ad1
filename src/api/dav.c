/* dav.c - /dav/NAME/TAG/...: read-only WebDAV (RFC 4918 class 1 subset) over a dataset version:
 * OPTIONS, PROPFIND with Depth 0 or 1 (getcontentlength, getlastmodified, getetag, resourcetype,
 * displayname), GET and HEAD (as /fs). Every write method answers 403. Mountable with davfs2,
 * usable as an rclone webdav remote. */
#include "fs_view.h"
#include "s3_xml.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/sbuf.h"
#include "../util/timeutil.h"
#include <string.h>

static int dav_body(req_t *r, const char *data, size_t n) { (void)r; (void)data; (void)n; return 0; }   /* PROPFIND bodies: allprop */

struct pf { sbuf_t *x; const char *base; };   /* base: href of the directory, ending in '/' */

/* One <D:response>; e NULL for an implicit directory; a symlink is shown as what it points at. */
static void response(sbuf_t *x, const char *href, const char *name, const struct ds_entry *e, int is_dir) {
  sbuf_adds(x, "<D:response><D:href>");
  xml_text(x, href);
  sbuf_adds(x, "</D:href><D:propstat><D:prop><D:displayname>");
  xml_text(x, name);
  sbuf_adds(x, "</D:displayname>");
  if (is_dir) sbuf_adds(x, "<D:resourcetype><D:collection/></D:resourcetype>");
  else sbuf_adds(x, "<D:resourcetype/>");
  if (e) {
    char date[64];
    time_format_http((time_t)e->mtime, date, sizeof date);
    sbuf_printf(x, "<D:getlastmodified>%s</D:getlastmodified>", date);
  }
  if (e && !is_dir) {
    char etag[40];
    fs_view_etag(e, etag);
    sbuf_printf(x, "<D:getcontentlength>%llu</D:getcontentlength><D:getetag>%s</D:getetag>"
                   "<D:getcontenttype>application/octet-stream</D:getcontenttype>",
                (unsigned long long)e->size, etag);
  }
  sbuf_adds(x, "</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>\n");
}

struct child_ctx { const struct fs_view *v; sbuf_t *x; const char *base; const char *dir; };

static void child(void *ctx, const char *name, const struct ds_entry *e) {
  struct child_ctx *c = ctx;
  int is_dir = !e || e->type == DS_DIR;
  const struct ds_entry *shown = e;
  if (e && e->type == DS_LINK) {   /* follow the link for its type and size */
    int d;
    shown = fs_view_lookup(c->v, e->path, &d);
    is_dir = d;
    if (!shown && !d) return;   /* dangling: not listed */
  }
  sbuf_t href = {0};
  sbuf_adds(&href, c->base);
  fs_url_part(&href, name);
  if (is_dir) sbuf_addc(&href, '/');
  response(c->x, href.s, name, shown, is_dir);
  sbuf_free(&href);
}

static int propfind(req_t *r, struct fs_view *v, const char *path) {
  int is_dir;
  const struct ds_entry *e = fs_view_lookup(v, path, &is_dir);
  if (!e && !is_dir) return http_fail(r, CAIRN_ENOENT, "no such file in this dataset version");
  const char *depth = http_header(r, "Depth");
  int one = !depth || strcmp(depth, "0");   /* "1" or "infinity": one level */
  sbuf_t href = {0};   /* the request's own href, re-encoded */
  sbuf_adds(&href, "/dav/");
  fs_url_part(&href, v->name);
  sbuf_addc(&href, '/');
  fs_url_part(&href, v->tag);
  sbuf_addc(&href, '/');
  char *p = mempool_strdup(r->pool, path);
  size_t n = strlen(p);
  while (n && p[n - 1] == '/') p[--n] = 0;
  const char *slash = strrchr(p, '/');
  const char *self = *p ? mempool_strdup(r->pool, slash ? slash + 1 : p) : v->tag;
  for (char *c = p, *s; c && *c; c = s) {
    s = strchr(c, '/');
    if (s) *s++ = 0;
    fs_url_part(&href, c);
    sbuf_addc(&href, '/');
  }
  if (!is_dir && href.len) href.s[--href.len] = 0;   /* a file: no trailing slash */
  sbuf_t x = {0};
  sbuf_adds(&x, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:multistatus xmlns:D=\"DAV:\">\n");
  response(&x, href.s, self, e, is_dir);
  if (is_dir && one) {
    const char *dir = e && e->path ? e->path : mempool_strdup(r->pool, path);
    char *d = mempool_strdup(r->pool, dir);
    size_t dn = strlen(d);
    while (dn && d[dn - 1] == '/') d[--dn] = 0;
    struct child_ctx c = {v, &x, href.s, d};
    fs_view_children(v, d, child, &c);
  }
  sbuf_adds(&x, "</D:multistatus>\n");
  int rc = http_respond_buf(r, 207, "application/xml; charset=utf-8", x.s, x.len);
  sbuf_free(&x);
  sbuf_free(&href);
  return rc;
}

static int dav_end(req_t *r) {
  const char *m = r->method;
  if (!strcmp(m, "OPTIONS")) {
    http_add_header(r, "DAV", "1");
    http_add_header(r, "Allow", "OPTIONS, GET, HEAD, PROPFIND");
    http_add_header(r, "MS-Author-Via", "DAV");
    return http_respond_buf(r, 200, NULL, "", 0);
  }
  int get = !strcmp(m, "GET") || !strcmp(m, "HEAD");
  if (!get && strcmp(m, "PROPFIND")) return http_fail(r, CAIRN_EAUTH, "this WebDAV share is read-only");
  struct fs_view *v = mempool_alloc(r->pool, sizeof *v);
  const char *path;
  if (fs_view_open(r, v, &path)) return 0;
  if (!get) return propfind(r, v, path);
  int is_dir;
  const struct ds_entry *e = fs_view_lookup(v, path, &is_dir);
  if (is_dir) {
    char *d = mempool_strdup(r->pool, e && e->path ? e->path : path);
    size_t n = strlen(d);
    while (n && d[n - 1] == '/') d[--n] = 0;
    return fs_send_dir(r, v, d);
  }
  if (!e) return http_fail(r, CAIRN_ENOENT, "no such file in this dataset version");
  return fs_view_send_file(r, v, e);
}

const struct handler h_dav = {NULL, dav_body, dav_end};
