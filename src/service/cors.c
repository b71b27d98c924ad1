/* cors.c - CORS rules: XML in and out, and matching a browser's request (cors.h). */
#include "cors.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/sbuf.h"
#include "../util/xmlpath.h"
#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_RULES 100

struct cparse { json_t *rules, *cur; const char *why; };

static void c_open(void *ctx, const char *path) {
  struct cparse *p = ctx;
  if (strcmp(path, "/CORSConfiguration/CORSRule")) return;
  p->cur = json_pack("{s:[],s:[],s:[],s:[],s:i}", "origins", "methods", "headers", "expose", "max_age", -1);
  json_array_append_new(p->rules, p->cur);
}

static int stars(const char *s) { int n = 0; for (; *s; s++) n += *s == '*'; return n; }

static void c_leaf(void *ctx, const char *path, const char *text) {
  struct cparse *p = ctx;
  const char *r = "/CORSConfiguration/CORSRule/";
  if (!p->cur || strncmp(path, r, strlen(r))) return;
  const char *f = path + strlen(r);
  if (!strcmp(f, "AllowedOrigin")) {
    if (stars(text) > 1 || !*text) p->why = "an AllowedOrigin has at most one '*'";
    json_array_append_new(json_object_get(p->cur, "origins"), json_string(text));
  } else if (!strcmp(f, "AllowedMethod")) {
    static const char *const ok[] = {"GET", "PUT", "POST", "DELETE", "HEAD"};
    int found = 0;
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) found |= !strcmp(text, ok[i]);
    if (!found) p->why = "AllowedMethod is one of GET, PUT, POST, DELETE, HEAD";
    json_array_append_new(json_object_get(p->cur, "methods"), json_string(text));
  } else if (!strcmp(f, "AllowedHeader")) {
    if (stars(text) > 1) p->why = "an AllowedHeader has at most one '*'";
    json_array_append_new(json_object_get(p->cur, "headers"), json_string(text));
  } else if (!strcmp(f, "ExposeHeader")) {
    if (strpbrk(text, "*,\r\n")) p->why = "an ExposeHeader is one header name";
    json_array_append_new(json_object_get(p->cur, "expose"), json_string(text));
  } else if (!strcmp(f, "MaxAgeSeconds")) {
    char *end;
    long v = strtol(text, &end, 10);
    if (!*text || *end || v < 0) p->why = "MaxAgeSeconds is a whole number of seconds";
    json_object_set_new(p->cur, "max_age", json_integer(v));
  } else if (!strcmp(f, "ID")) {
    if (strlen(text) > 255) p->why = "a rule ID is at most 255 characters";
    json_object_set_new(p->cur, "id", json_string(text));
  }
}

int cors_parse(const char *xml, size_t len, char **rules, const char **why) {
  struct cparse p = {json_array(), NULL, NULL};
  *rules = NULL;
  *why = NULL;
  int rc = xmlpath_parse(xml, len, c_open, c_leaf, &p);
  size_t i;
  json_t *rule;
  if (!rc && !json_array_size(p.rules)) rc = CAIRN_EMALFORMEDXML, p.why = "no CORSRule";
  if (!rc && json_array_size(p.rules) > MAX_RULES) p.why = "at most 100 CORSRules";
  json_array_foreach(p.rules, i, rule)
    if (!rc && !p.why && (!json_array_size(json_object_get(rule, "origins")) || !json_array_size(json_object_get(rule, "methods"))))
      p.why = "every CORSRule needs an AllowedOrigin and an AllowedMethod";
  if (!rc && p.why) rc = CAIRN_EINVALIDREQUEST;
  if (!rc) {
    char *d = json_dumps(p.rules, JSON_COMPACT);
    *rules = xstrdup(d ? d : "[]");
    free(d);
  }
  *why = p.why;
  json_decref(p.rules);
  return rc;
}

char *cors_to_xml(const char *rules) {
  json_t *rs = json_loads(rules ? rules : "[]", 0, NULL), *rule, *v;
  sbuf_t b = {0};
  sbuf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
  size_t i, j;
  static const struct { const char *key, *elem; } lists[] = {
    {"headers", "AllowedHeader"}, {"methods", "AllowedMethod"}, {"origins", "AllowedOrigin"}, {"expose", "ExposeHeader"}};
  json_array_foreach(rs, i, rule) {
    sbuf_adds(&b, "<CORSRule>");
    const char *id = json_string_value(json_object_get(rule, "id"));
    if (id) sbuf_xml(&b, "ID", id);
    for (size_t l = 0; l < sizeof lists / sizeof *lists; l++)
      json_array_foreach(json_object_get(rule, lists[l].key), j, v) sbuf_xml(&b, lists[l].elem, json_string_value(v));
    json_int_t ma = json_integer_value(json_object_get(rule, "max_age"));
    if (ma >= 0) sbuf_printf(&b, "<MaxAgeSeconds>%lld</MaxAgeSeconds>", (long long)ma);
    sbuf_adds(&b, "</CORSRule>");
  }
  sbuf_adds(&b, "</CORSConfiguration>\n");
  json_decref(rs);
  return sbuf_steal(&b);
}

/* pattern with at most one '*' (any run of characters) against s, n bytes of it */
static int wild(const char *pat, const char *s, size_t n, int nocase) {
  const char *star = strchr(pat, '*');
  int (*cmp)(const char *, const char *, size_t) = nocase ? strncasecmp : strncmp;
  if (!star) return strlen(pat) == n && !cmp(pat, s, n);
  size_t pre = (size_t)(star - pat), post = strlen(star + 1);
  return n >= pre + post && !cmp(pat, s, pre) && !cmp(star + 1, s + n - post, post);
}

static int any(json_t *list, const char *s, size_t n, int nocase) {
  size_t i;
  json_t *v;
  json_array_foreach(list, i, v) if (wild(json_string_value(v), s, n, nocase)) return 1;
  return 0;
}

static char *join(json_t *list) {
  sbuf_t b = {0};
  size_t i;
  json_t *v;
  json_array_foreach(list, i, v) { if (i) sbuf_adds(&b, ", "); sbuf_adds(&b, json_string_value(v)); }
  return b.len ? sbuf_steal(&b) : (sbuf_free(&b), NULL);
}

/* every header of the comma list is allowed */
static int headers_ok(json_t *allowed, const char *list) {
  for (const char *p = list; p && *p;) {
    while (*p == ' ' || *p == ',' || *p == '\t') p++;
    size_t n = strcspn(p, ",");
    size_t t = n;
    while (t && (p[t - 1] == ' ' || p[t - 1] == '\t')) t--;
    if (t && !any(allowed, p, t, 1)) return 0;
    p += n;
  }
  return 1;
}

int cors_match(const char *rules, const char *origin, const char *method, const char *request_headers,
               struct cors_answer *out) {
  memset(out, 0, sizeof *out);
  out->max_age = -1;
  if (!rules || !origin || !*origin || !method) return 0;
  json_t *rs = json_loads(rules, 0, NULL), *rule;
  size_t i;
  int found = 0;
  json_array_foreach(rs, i, rule) {
    json_t *origins = json_object_get(rule, "origins");
    if (!any(origins, origin, strlen(origin), 0)) continue;
    if (!any(json_object_get(rule, "methods"), method, strlen(method), 0)) continue;
    if (!headers_ok(json_object_get(rule, "headers"), request_headers)) continue;
    int star = 0;
    size_t j;
    json_t *v;
    json_array_foreach(origins, j, v) star |= !strcmp(json_string_value(v), "*");
    out->allow_origin = xstrdup(star ? "*" : origin);
    out->credentials = !star;
    out->allow_methods = join(json_object_get(rule, "methods"));
    if (request_headers && *request_headers) {
      char *h = xstrdup(request_headers);
      for (char *c = h; *c; c++) *c = (char)tolower((unsigned char)*c);
      out->allow_headers = h;
    }
    out->expose_headers = join(json_object_get(rule, "expose"));
    out->max_age = (long)json_integer_value(json_object_get(rule, "max_age"));
    found = 1;
    break;
  }
  json_decref(rs);
  return found;
}

void cors_answer_free(struct cors_answer *a) {
  xfree(a->allow_origin);
  xfree(a->allow_methods);
  xfree(a->allow_headers);
  xfree(a->expose_headers);
  memset(a, 0, sizeof *a);
}
