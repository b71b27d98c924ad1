/* fs.c - GET/HEAD /fs/ (the datasets the caller can read), /fs/NAME/ (its tags: version, size,
 * files, date) and /fs/NAME/TAG/PATH: files with Range, ETag, caching headers and a media type
 * from the name; directories as JSON (Accept: application/json) or an HTML listing (fs_page.h)
 * that renders the directory's README.md as GitHub-flavoured Markdown (tables, task lists,
 * autolinks, strikethrough; raw HTML dropped). Private datasets need SigV4 or a presigned URL;
 * a presigned listing links to its entries with URLs presigned for the rest of its own life. */
#include "fs_page.h"
#include "fs_view.h"
#include "json_body.h"
#include "s3_xml.h"
#include "../service/datasets.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/sbuf.h"
#include "../util/timeutil.h"
#include "../crypto/sigv4.h"
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define README_MAX (1u << 20)

void fs_url_part(sbuf_t *b, const char *s) {
  static const char hx[] = "0123456789ABCDEF";
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~", c)) sbuf_addc(b, (char)c);
    else { sbuf_addc(b, '%'); sbuf_addc(b, hx[c >> 4]); sbuf_addc(b, hx[c & 15]); }
  }
}

static const char *type_name(const struct ds_entry *e) {
  return !e || e->type == DS_DIR ? "dir" : e->type == DS_FILE ? "file" : "symlink";
}

/* Links of a listing. Opened by a presigned SigV4 URL, a listing links to its entries with URLs
 * presigned in turn for the same key and region, ending when its own URL ends (no longer grant);
 * otherwise links are relative names. */
struct relink { char *secret; struct sigv4_auth a; int64_t left; char base[320]; const char *dir; };

static void relink_init(req_t *r, struct relink *k) {
  memset(k, 0, sizeof *k);
  time_t t;
  char role[16], name[65];
  const char *host = http_header(r, "Host");
  if (r->auth_rc || !host || strlen(host) > 250 || sigv4_parse_presigned(r->raw_query, &k->a) ||
      time_parse_amz(k->a.amz_date, &t))
    return;
  k->left = (int64_t)t + k->a.expires - (int64_t)time(NULL);
  if (k->left < 1 || app_auth_lookup(r->app, k->a.access_key, &k->secret, role, name)) { k->secret = NULL; return; }
  snprintf(k->base, sizeof k->base, "http://%s", host);   /* the host is signed; the scheme is not */
  sbuf_t d = {0};   /* this directory's path, each segment encoded as SigV4 encodes it */
  char *copy = mempool_strdup(r->pool, r->path);
  for (char *save = NULL, *seg = strtok_r(copy, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
    sbuf_addc(&d, '/');
    fs_url_part(&d, seg);
  }
  sbuf_addc(&d, '/');
  k->dir = mempool_strdup(r->pool, d.s);
  sbuf_free(&d);
}

static void relink_free(struct relink *k) {
  if (k->secret) { memset(k->secret, 0, strlen(k->secret)); xfree(k->secret); }
}

static void link_href(sbuf_t *href, const struct relink *k, const char *name, int dir) {
  if (!k->secret) {
    fs_url_part(href, name);
    if (dir) sbuf_addc(href, '/');
    return;
  }
  sbuf_t path = {0};
  sbuf_adds(&path, k->dir);
  fs_url_part(&path, name);
  if (dir) sbuf_addc(&path, '/');
  char *url = sigv4_presign("GET", k->base, path.s, k->a.access_key, k->secret, k->a.region, k->left, time(NULL));
  sbuf_adds(href, url ? url + strlen(k->base) : path.s);   /* an absolute path: any scheme */
  xfree(url);
  sbuf_free(&path);
}

struct listing { const struct relink *k; json_t *json; sbuf_t *html; const struct ds_entry *readme; };

static void add_child(void *ctx, const char *name, const struct ds_entry *e) {
  struct listing *l = ctx;
  if (e && e->type == DS_FILE && !strcmp(name, "README.md")) l->readme = e;
  if (l->json) {
    json_t *o = json_pack("{s:s,s:s}", "name", name, "type", type_name(e));
    if (e) {
      json_object_set_new(o, "mode", json_integer(e->mode));
      json_object_set_new(o, "mtime", json_integer(e->mtime));
      if (e->type == DS_FILE) json_object_set_new(o, "size", json_integer((json_int_t)e->size));
      if (e->type == DS_LINK) json_object_set_new(o, "target", json_string(e->target));
    }
    json_array_append_new(l->json, o);
    return;
  }
  int dir = !e || e->type == DS_DIR;
  sbuf_t href = {0}, text = {0};
  link_href(&href, l->k, name, dir);
  sbuf_adds(&text, name);
  if (dir) sbuf_addc(&text, '/');
  sbuf_adds(l->html, "<tr>");
  fs_page_link(l->html, href.s, text.s);
  sbuf_free(&href);
  sbuf_free(&text);
  if (e && e->type == DS_FILE) fs_page_size(l->html, e->size);
  else if (e && e->type == DS_LINK) { sbuf_adds(l->html, "<td>&rarr; "); xml_text(l->html, e->target); sbuf_adds(l->html, "</td>"); }
  else sbuf_adds(l->html, "<td></td>");
  fs_page_date(l->html, e ? e->mtime : 0);
  sbuf_adds(l->html, "</tr>\n");
}

/* GitHub-flavoured Markdown to HTML; raw HTML is dropped (no CMARK_OPT_UNSAFE). Heap, free(). */
static pthread_once_t gfm_once = PTHREAD_ONCE_INIT;
static void gfm_register(void) { cmark_gfm_core_extensions_ensure_registered(); }

static char *markdown_html(const char *md, size_t len) {
  pthread_once(&gfm_once, gfm_register);
  cmark_parser *p = cmark_parser_new(CMARK_OPT_DEFAULT);
  static const char *exts[] = {"table", "tasklist", "autolink", "strikethrough"};
  for (size_t i = 0; i < sizeof exts / sizeof *exts; i++) {
    cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);
    if (e) cmark_parser_attach_syntax_extension(p, e);
  }
  cmark_parser_feed(p, md, len);
  cmark_node *doc = cmark_parser_finish(p);
  char *html = cmark_render_html(doc, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(p));
  cmark_node_free(doc);
  cmark_parser_free(p);
  return html;
}

static int has_slash(req_t *r) {
  size_t n = strlen(r->path);
  return !n || r->path[n - 1] == '/';
}

/* 301 to the same path with a trailing slash (and the same query). */
static int redirect_slash(req_t *r) {
  sbuf_t loc = {0};
  sbuf_adds(&loc, r->raw_path);
  sbuf_addc(&loc, '/');
  if (*r->raw_query) { sbuf_addc(&loc, '?'); sbuf_adds(&loc, r->raw_query); }
  http_add_header(r, "Location", loc.s);
  sbuf_free(&loc);
  return http_respond_buf(r, 301, "text/plain", "", 0);
}

/* The directory's README.md as HTML (malloc'd), or NULL when it is too large or unreadable. */
static char *readme_html(req_t *r, const struct ds_entry *readme) {
  char *md = fs_view_read_small(r, readme, README_MAX);
  if (!md) return NULL;
  char *html = markdown_html(md, strlen(md));
  xfree(md);
  return html;
}

int fs_send_dir(req_t *r, struct fs_view *v, const char *dir) {
  const char *acc = http_header(r, "Accept");
  if (acc && strstr(acc, "application/json")) {
    struct listing l = {NULL, json_array(), NULL, NULL};
    fs_view_children(v, dir, add_child, &l);
    json_t *j = json_pack("{s:s,s:s,s:s,s:o}", "dataset", v->name, "version", v->version, "path", dir, "entries", l.json);
    char *html = l.readme ? readme_html(r, l.readme) : NULL;
    if (html) json_object_set_new(j, "readme_html", json_string(html));   /* cmark: raw HTML already dropped */
    free(html);
    return json_respond(r, 200, j);
  }
  if (!has_slash(r)) return redirect_slash(r);   /* relative links need the trailing slash */
  sbuf_t h = {0};
  static const char *const cols[] = {"Name", "Size", "Modified", NULL};
  fs_page_begin(&h, r, cols);
  struct relink k;
  relink_init(r, &k);
  struct listing l = {&k, NULL, &h, NULL};
  fs_view_children(v, dir, add_child, &l);
  relink_free(&k);
  fs_page_table_end(&h);
  char *html = l.readme ? readme_html(r, l.readme) : NULL;
  if (html) {
    sbuf_adds(&h, "<article class=\"readme\">\n");
    sbuf_adds(&h, html);
    sbuf_adds(&h, "</article>\n");
    free(html);
  }
  fs_page_end(&h);
  return fs_page_send(r, &h, v->immutable ? 3600 : 60);
}

/* ---- /fs/ and /fs/NAME/: the datasets the caller can read, a dataset's tags ---- */

#define INDEX_MAX 1000   /* rows of one listing page */

struct index { const struct relink *k; json_t *json; sbuf_t *h; int n; char last[129]; };

static int add_dataset(void *ctx, const struct meta_dataset *d) {
  struct index *x = ctx;
  x->n++;
  snprintf(x->last, sizeof x->last, "%s", d->name);
  if (x->json) {
    json_array_append_new(x->json, json_pack("{s:s,s:b,s:i,s:I}", "name", d->name, "public", d->public_read,
                                             "tags", d->ntags, "created_ms", (json_int_t)d->created_ms));
    return 0;
  }
  sbuf_t href = {0};
  link_href(&href, x->k, d->name, 1);
  sbuf_adds(x->h, "<tr>");
  fs_page_link(x->h, href.s, d->name);
  sbuf_printf(x->h, "<td>%d tag%s</td><td class=\"h\">%s</td>", d->ntags, d->ntags == 1 ? "" : "s",
              d->public_read ? "public" : "private");
  fs_page_date(x->h, d->created_ms / 1000);
  sbuf_adds(x->h, "</tr>\n");
  sbuf_free(&href);
  return 0;
}

static int add_tag(void *ctx, const struct meta_dstag *t) {
  struct index *x = ctx;
  x->n++;
  snprintf(x->last, sizeof x->last, "%s", t->tag);
  if (x->json) {
    json_array_append_new(x->json, json_pack("{s:s,s:s,s:b,s:I,s:I,s:I}", "tag", t->tag, "version", t->version,
                                             "floating", t->floating, "size", (json_int_t)t->size, "files",
                                             (json_int_t)t->files, "updated_ms", (json_int_t)t->updated_ms));
    return 0;
  }
  sbuf_t href = {0};
  link_href(&href, x->k, t->tag, 1);
  sbuf_adds(x->h, "<tr>");
  fs_page_link(x->h, href.s, t->tag);
  fs_page_size(x->h, t->size);
  sbuf_printf(x->h, "<td class=\"h\"><code title=\"%s\">%.12s</code></td><td class=\"h\">%lld</td>", t->version,
              t->version, (long long)t->files);
  fs_page_date(x->h, t->updated_ms / 1000);
  sbuf_adds(x->h, "</tr>\n");
  sbuf_free(&href);
  return 0;
}

int fs_send_index(req_t *r, const char *name) {
  struct app *a = r->app;
  struct principal who;
  api_principal(r, &who);
  const char *acc = http_header(r, "Accept"), *after = http_query(r, "after");
  int json = acc && strstr(acc, "application/json");
  if (!json && !has_slash(r)) return redirect_slash(r);   /* /fs/NAME -> /fs/NAME/ */
  sbuf_t h = {0};
  struct relink k;
  relink_init(r, &k);
  struct index x = {&k, json ? json_array() : NULL, &h, 0, ""};
  static const char *const ds_cols[] = {"Dataset", "Tags", "Access", "Created", NULL};
  static const char *const tag_cols[] = {"Tag", "Size", "Version", "Files", "Updated", NULL};
  if (!json) fs_page_begin(&h, r, *name ? tag_cols : ds_cols);
  int rc = *name ? svc_ds_tag_list(a->svc, &who, name, after ? after : "", INDEX_MAX, add_tag, &x)
                 : svc_ds_list(a->svc, &who, after ? after : "", INDEX_MAX, add_dataset, &x);
  relink_free(&k);
  if (rc < 0) {
    sbuf_free(&h);
    json_decref(x.json);
    if (rc == CAIRN_EAUTH) return http_fail(r, rc, "this dataset is private: sign the request or use a presigned URL");
    return http_fail(r, rc, *name ? "no such dataset" : NULL);
  }
  if (json)
    return json_respond(r, 200, *name ? json_pack("{s:s,s:o}", "dataset", name, "tags", x.json)
                                      : json_pack("{s:o}", "datasets", x.json));
  fs_page_table_end(&h);
  if (x.n == INDEX_MAX) {   /* more: the next page starts after the last row */
    sbuf_adds(&h, "<p><a href=\"?after=");
    fs_url_part(&h, x.last);
    sbuf_adds(&h, "\">next page</a></p>\n");
  }
  fs_page_end(&h);
  return fs_page_send(r, &h, 10);
}

/* "" for /fs/, NAME for /fs/NAME[/], NULL when a tag follows (a version's tree). */
const char *fs_index_name(req_t *r) {
  const char *t = r->tail, *s = strchr(t, '/');
  if (s && s[1]) return NULL;
  size_t n = s ? (size_t)(s - t) : strlen(t);
  return mempool_strndup(r->pool, t, n);
}

static int fs_end(req_t *r) {
  if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD")) return http_fail(r, CAIRN_EMETHOD, "/fs is read-only");
  const char *index = fs_index_name(r);
  if (index) return fs_send_index(r, index);
  struct fs_view *v = mempool_alloc(r->pool, sizeof *v);
  const char *path;
  if (fs_view_open(r, v, &path)) return 0;   /* answered */
  int is_dir;
  const struct ds_entry *e = fs_view_lookup(v, path, &is_dir);
  if (is_dir) {
    char *dir = mempool_strdup(r->pool, path);
    size_t n = strlen(dir);
    while (n && dir[n - 1] == '/') dir[--n] = 0;
    if (e && e->path) dir = mempool_strdup(r->pool, e->path);   /* a symlink to a directory */
    return fs_send_dir(r, v, dir);
  }
  if (!e) return http_fail(r, CAIRN_ENOENT, "no such file in this dataset version");
  return fs_view_send_file(r, v, e);
}

const struct handler h_fs = {NULL, NULL, fs_end};
