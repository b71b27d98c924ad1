/* fs.c - GET/HEAD /fs/NAME/TAG/PATH: files with Range, ETag and caching headers; directories as
 * JSON (Accept: application/json) or an HTML listing that renders the directory's README.md
 * (libcmark, raw HTML disabled). Private datasets need SigV4 or a presigned URL. */
#include "fs_view.h"
#include "json_body.h"
#include "s3_xml.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/sbuf.h"
#include "../util/timeutil.h"
#include <cmark.h>
#include <stdlib.h>
#include <string.h>

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

struct listing { json_t *json; sbuf_t *html; const struct ds_entry *readme; };

static void add_child(void *ctx, const char *name, const struct ds_entry *e) {
  struct listing *l = ctx;
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
  if (e && e->type == DS_FILE && !strcmp(name, "README.md")) l->readme = e;
  sbuf_adds(l->html, "<tr><td><a href=\"");
  fs_url_part(l->html, name);
  if (dir) sbuf_addc(l->html, '/');
  sbuf_adds(l->html, "\">");
  xml_text(l->html, name);
  if (dir) sbuf_addc(l->html, '/');
  sbuf_adds(l->html, "</a></td><td>");
  if (e && e->type == DS_FILE) sbuf_printf(l->html, "%llu", (unsigned long long)e->size);
  else if (e && e->type == DS_LINK) { sbuf_adds(l->html, "&rarr; "); xml_text(l->html, e->target); }
  sbuf_adds(l->html, "</td><td>");
  if (e) {
    char ts[40];
    time_format_iso8601_ms(e->mtime * 1000, ts, sizeof ts);
    sbuf_adds(l->html, ts);
  }
  sbuf_adds(l->html, "</td></tr>\n");
}

int fs_send_dir(req_t *r, struct fs_view *v, const char *dir) {
  const char *acc = http_header(r, "Accept");
  if (acc && strstr(acc, "application/json")) {
    struct listing l = {json_array(), NULL, NULL};
    fs_view_children(v, dir, add_child, &l);
    return json_respond(r, 200, json_pack("{s:s,s:s,s:s,s:o}", "dataset", v->name, "version", v->version,
                                          "path", dir, "entries", l.json));
  }
  size_t n = strlen(r->path);
  if (n && r->path[n - 1] != '/') {   /* relative links need the trailing slash */
    sbuf_t loc = {0};
    sbuf_adds(&loc, r->raw_path);
    sbuf_addc(&loc, '/');
    if (*r->raw_query) { sbuf_addc(&loc, '?'); sbuf_adds(&loc, r->raw_query); }
    http_add_header(r, "Location", loc.s);
    sbuf_free(&loc);
    return http_respond_buf(r, 301, "text/plain", "", 0);
  }
  sbuf_t title = {0}, h = {0};   /* NAME:TAG/dir, escaped, for <title> and <h1> */
  xml_text(&title, v->name);
  sbuf_addc(&title, ':');
  xml_text(&title, v->tag);
  sbuf_addc(&title, '/');
  xml_text(&title, dir);
  sbuf_printf(&h, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title></head><body>\n"
                  "<h1>%s</h1>\n<table>\n", title.s, title.s);
  sbuf_free(&title);
  if (*dir) sbuf_adds(&h, "<tr><td><a href=\"../\">../</a></td><td></td><td></td></tr>\n");
  struct listing l = {NULL, &h, NULL};
  fs_view_children(v, dir, add_child, &l);
  sbuf_adds(&h, "</table>\n");
  if (l.readme) {
    char *md = fs_view_read_small(r, l.readme, README_MAX);
    if (md) {
      char *html = cmark_markdown_to_html(md, strlen(md), CMARK_OPT_DEFAULT);   /* no CMARK_OPT_UNSAFE: raw HTML is dropped */
      sbuf_adds(&h, "<hr>\n<article class=\"readme\">\n");
      sbuf_adds(&h, html);
      sbuf_adds(&h, "</article>\n");
      free(html);
      xfree(md);
    }
  }
  sbuf_adds(&h, "</body></html>\n");
  http_add_header(r, "Cache-Control", v->immutable ? "max-age=3600" : "max-age=60");
  int rc = http_respond_buf(r, 200, "text/html; charset=utf-8", h.s, h.len);
  sbuf_free(&h);
  return rc;
}

static int fs_end(req_t *r) {
  if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD")) return http_fail(r, CAIRN_EMETHOD, "/fs is read-only");
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
