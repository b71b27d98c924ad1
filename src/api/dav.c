/* dav.c - /dav/, /dav/NAME/ and /dav/NAME/TAG/...: read-only WebDAV (RFC 4918 class 1 subset):
 * the root lists the datasets the caller can read, a dataset's level its tags, a tag its version's
 * tree. OPTIONS, PROPFIND with Depth 0 or 1 and an allprop, propname or prop body (dav_propfind.h:
 * a malformed one is 400; properties asked for that cairn does not have come back in a 404
 * propstat), GET and HEAD (as /fs). Every write method answers 403. Mountable with davfs2, usable
 * as an rclone webdav remote from the root. */
#include "dav_propfind.h"
#include "fs_view.h"
#include "mime.h"
#include "s3_xml.h"
#include "../service/datasets.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/sbuf.h"
#include "../util/timeutil.h"
#include <string.h>

/* The request body, kept in the request's pool up to DAV_BODY_MAX (more is refused at the end). */
struct dav_req { sbuf_t body; int too_big; };

static void body_free(void *p) { sbuf_free(p); }

static int dav_body(req_t *r, const char *data, size_t n) {
  struct dav_req *d = r->state;
  if (!d) {
    d = r->state = mempool_alloc(r->pool, sizeof *d);
    memset(d, 0, sizeof *d);
    mempool_on_cleanup(r->pool, body_free, &d->body);
  }
  if (d->body.len + n > DAV_BODY_MAX) d->too_big = 1;
  else sbuf_add(&d->body, data, n);
  return 0;
}

/* What one resource shows: e NULL for a directory with no entry (an implicit one, a dataset or a
 * tag, with mtime when known). */
struct res { const char *href, *name; const struct ds_entry *e; int is_dir; int64_t mtime; };

enum { P_DISPLAYNAME, P_RESOURCETYPE, P_LASTMOD, P_LENGTH, P_ETAG, P_CTYPE, P_COUNT };
static const char *const PROP_NAMES[P_COUNT] = {"displayname", "resourcetype", "getlastmodified",
                                                "getcontentlength", "getetag", "getcontenttype"};

/* Writes property p of res (with its value unless names_only); 0 when res has no such property. */
static int prop(sbuf_t *x, int p, const struct res *r, int names_only) {
  int64_t mtime = r->e ? r->e->mtime : r->mtime;
  int file = r->e && !r->is_dir;
  if ((p == P_LASTMOD && !mtime) || ((p == P_LENGTH || p == P_ETAG || p == P_CTYPE) && !file)) return 0;
  if (names_only) { sbuf_printf(x, "<D:%s/>", PROP_NAMES[p]); return 1; }
  char v[64];
  switch (p) {
  case P_DISPLAYNAME: sbuf_adds(x, "<D:displayname>"); xml_text(x, r->name); sbuf_adds(x, "</D:displayname>"); break;
  case P_RESOURCETYPE: sbuf_adds(x, r->is_dir ? "<D:resourcetype><D:collection/></D:resourcetype>" : "<D:resourcetype/>"); break;
  case P_LASTMOD: time_format_http((time_t)mtime, v, sizeof v); sbuf_printf(x, "<D:getlastmodified>%s</D:getlastmodified>", v); break;
  case P_LENGTH: sbuf_printf(x, "<D:getcontentlength>%llu</D:getcontentlength>", (unsigned long long)r->e->size); break;
  case P_ETAG: fs_view_etag(r->e, v); sbuf_adds(x, "<D:getetag>"); xml_text(x, v); sbuf_adds(x, "</D:getetag>"); break;
  case P_CTYPE: sbuf_adds(x, "<D:getcontenttype>"); xml_text(x, mime_type(r->e->path)); sbuf_adds(x, "</D:getcontenttype>"); break;
  }
  return 1;
}

static int known_prop(const struct dav_prop *p) {
  if (strcmp(p->ns, "DAV:")) return -1;
  for (int i = 0; i < P_COUNT; i++) if (!strcmp(p->name, PROP_NAMES[i])) return i;
  return -1;
}

/* One <D:response>: a 200 propstat with what res has of what was asked, a 404 propstat with the
 * rest (their names, each in its own namespace). */
static void response(sbuf_t *x, const struct res *r, const struct dav_propfind *pf) {
  sbuf_t ok = {0}, missing = {0};
  if (pf->mode != DAV_PROP)
    for (int p = 0; p < P_COUNT; p++) prop(&ok, p, r, pf->mode == DAV_PROPNAME);
  else
    for (int i = 0; i < pf->n; i++) {
      int p = known_prop(&pf->p[i]);
      if (p >= 0 && prop(&ok, p, r, 0)) continue;
      /* the name is an XML name (expat checked it); a property in no namespace needs xmlns="" */
      sbuf_printf(&missing, *pf->p[i].ns ? "<R:%s xmlns:R=\"" : "<%s xmlns=\"", pf->p[i].name);
      xml_text(&missing, pf->p[i].ns);
      sbuf_adds(&missing, "\"/>");
    }
  sbuf_adds(x, "<D:response><D:href>");
  xml_text(x, r->href);
  sbuf_adds(x, "</D:href>");
  if (ok.len || !missing.len) {
    sbuf_adds(x, "<D:propstat><D:prop>");
    if (ok.len) sbuf_add(x, ok.s, ok.len);
    sbuf_adds(x, "</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>");
  }
  if (missing.len) {
    sbuf_adds(x, "<D:propstat><D:prop>");
    sbuf_add(x, missing.s, missing.len);
    sbuf_adds(x, "</D:prop><D:status>HTTP/1.1 404 Not Found</D:status></D:propstat>");
  }
  sbuf_adds(x, "</D:response>\n");
  sbuf_free(&ok);
  sbuf_free(&missing);
}

struct child_ctx { const struct fs_view *v; sbuf_t *x; const char *base; const struct dav_propfind *pf; };

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
  struct res rs = {href.s, name, shown, is_dir, 0};
  response(c->x, &rs, c->pf);
  sbuf_free(&href);
}

static int multistatus(req_t *r, sbuf_t *x) {
  sbuf_adds(x, "</D:multistatus>\n");
  int rc = http_respond_buf(r, 207, "application/xml; charset=utf-8", x->s, x->len);
  sbuf_free(x);
  return rc;
}

static void multistatus_begin(sbuf_t *x) {
  sbuf_adds(x, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:multistatus xmlns:D=\"DAV:\">\n");
}

static int depth_one(req_t *r) {
  const char *depth = http_header(r, "Depth");
  return !depth || strcmp(depth, "0");   /* "1" or "infinity": one level */
}

static int propfind(req_t *r, struct fs_view *v, const char *path, const struct dav_propfind *pf) {
  int is_dir;
  const struct ds_entry *e = fs_view_lookup(v, path, &is_dir);
  if (!e && !is_dir) return http_fail(r, CAIRN_ENOENT, "no such file in this dataset version");
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
  multistatus_begin(&x);
  struct res me = {href.s, self, e, is_dir, 0};
  response(&x, &me, pf);
  if (is_dir && depth_one(r)) {
    const char *dir = e && e->path ? e->path : mempool_strdup(r->pool, path);
    char *d = mempool_strdup(r->pool, dir);
    size_t dn = strlen(d);
    while (dn && d[dn - 1] == '/') d[--dn] = 0;
    struct child_ctx c = {v, &x, href.s, pf};
    fs_view_children(v, d, child, &c);
  }
  sbuf_free(&href);
  return multistatus(r, &x);
}

/* ---- /dav/ (datasets) and /dav/NAME/ (tags) as collections ---- */

struct index_ctx { sbuf_t *x; const char *base; const struct dav_propfind *pf; };

static void index_entry(struct index_ctx *c, const char *name, int64_t mtime) {
  sbuf_t href = {0};
  sbuf_adds(&href, c->base);
  fs_url_part(&href, name);
  sbuf_addc(&href, '/');
  struct res rs = {href.s, name, NULL, 1, mtime};
  response(c->x, &rs, c->pf);
  sbuf_free(&href);
}
static int index_dataset(void *ctx, const struct meta_dataset *d) { index_entry(ctx, d->name, d->created_ms / 1000); return 0; }
static int index_tag(void *ctx, const struct meta_dstag *t) { index_entry(ctx, t->tag, t->updated_ms / 1000); return 0; }

static int propfind_index(req_t *r, const char *name, const struct dav_propfind *pf) {
  struct app *a = r->app;
  struct principal who;
  api_principal(r, &who);
  sbuf_t base = {0}, x = {0};
  sbuf_adds(&base, "/dav/");
  if (*name) { fs_url_part(&base, name); sbuf_addc(&base, '/'); }
  multistatus_begin(&x);
  struct res me = {base.s, *name ? name : "dav", NULL, 1, 0};
  int rc = 0;
  if (*name) {   /* the dataset must be readable even at Depth 0 */
    struct meta_dataset d;
    rc = svc_ds_get(a->svc, &who, name, 0, &d);
    me.mtime = rc ? 0 : d.created_ms / 1000;
  }
  if (!rc) response(&x, &me, pf);
  struct index_ctx c = {&x, base.s, pf};
  if (!rc && depth_one(r))
    rc = *name ? svc_ds_tag_list(a->svc, &who, name, "", 1000, index_tag, &c)
               : svc_ds_list(a->svc, &who, "", 1000, index_dataset, &c);
  sbuf_free(&base);
  if (rc < 0) {
    sbuf_free(&x);
    return http_fail(r, rc, rc == CAIRN_EAUTH ? "this dataset is private: sign the request" : "no such dataset");
  }
  return multistatus(r, &x);
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
  struct dav_propfind pf;
  if (!get) {
    struct dav_req *d = r->state;
    if (d && d->too_big) return http_fail(r, CAIRN_EMALFORMEDXML, "the PROPFIND body is too large");
    if (dav_propfind_parse(d ? d->body.s : "", d ? d->body.len : 0, &pf))
      return http_fail(r, CAIRN_EMALFORMEDXML, "the PROPFIND body is not a DAV: propfind (allprop, propname or prop)");
  }
  const char *index = fs_index_name(r);
  if (index) return get ? fs_send_index(r, index) : propfind_index(r, index, &pf);
  struct fs_view *v = mempool_alloc(r->pool, sizeof *v);
  const char *path;
  if (fs_view_open(r, v, &path)) return 0;
  if (!get) return propfind(r, v, path, &pf);
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
