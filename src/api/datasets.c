/* datasets.c - the /v1/datasets JSON API: list datasets, commit a version (POST .../versions with
 * a manifest; refused unless every block exists), get a manifest, list / get / move / delete tags,
 * signed locators of a version's blocks, tag history, long poll on a tag (?wait=SECONDS&since=
 * VERSION), public flag. service/datasets.h decides who may do what. */
#include "app.h"
#include "json_body.h"
#include "../service/datasets.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/timeutil.h"
#include <stdlib.h>
#include <string.h>

#define MAX_WAIT_S 300

struct dsreq {
  struct principal who;
  char *name, *what, *arg, *sub;   /* NAME / what / arg / sub, e.g. NAME/tags/latest/history */
  double wait_until;               /* long poll deadline (monotonic) */
  uint64_t gen;                    /* svc_ds_generation when the tag was last read */
  double checked;                  /* when (monotonic) */
};

/* Splits r->tail in place (pool copy) into name/what/arg/sub. */
static struct dsreq *split(req_t *r) {
  struct dsreq *d = mempool_alloc(r->pool, sizeof *d);
  memset(d, 0, sizeof *d);
  char *t = mempool_strdup(r->pool, r->tail);
  char **parts[4] = {&d->name, &d->what, &d->arg, &d->sub};
  for (int i = 0; i < 4 && t && *t; i++) {
    *parts[i] = t;
    t = strchr(t, '/');
    if (t) *t++ = 0;
  }
  if (t && *t) d->name = NULL;   /* too deep */
  return d;
}

static int page_size(req_t *r) {
  const char *ps = http_query(r, "page_size");
  int n = ps ? atoi(ps) : 100;
  return n < 1 ? 1 : n > 1000 ? 1000 : n;
}

static int ds_begin(req_t *r) {
  int body = !strcmp(r->method, "POST") || !strcmp(r->method, "PUT");
  return body ? json_body_begin_max(r, ((struct app *)r->app)->cfg->manifest_max) : 0;
}

static int ds_body(req_t *r, const char *data, size_t n) { return r->state ? json_body_append(r, data, n) : 0; }

static json_t *tag_json(const struct meta_dstag *t) {
  char ts[40];
  time_format_iso8601_ms(t->updated_ms, ts, sizeof ts);
  return json_pack("{s:s,s:s,s:b,s:s}", "tag", t->tag, "version", t->version, "floating", t->floating, "updated", ts);
}

static int add_dataset(void *ctx, const struct meta_dataset *d) {
  char ts[40];
  time_format_iso8601_ms(d->created_ms, ts, sizeof ts);
  json_array_append_new(ctx, json_pack("{s:s,s:b,s:i,s:s}", "name", d->name, "public", d->public_read,
                                       "tags", d->ntags, "created", ts));
  return 0;
}

static int add_tag(void *ctx, const struct meta_dstag *t) {
  json_t *o = tag_json(t);
  json_object_set_new(o, "size", json_integer((json_int_t)t->size));
  json_object_set_new(o, "files", json_integer(t->files));
  json_array_append_new(ctx, o);
  return 0;
}

static int add_history(void *ctx, const struct meta_dstag *t) {
  char ts[40];
  time_format_iso8601_ms(t->updated_ms, ts, sizeof ts);
  json_array_append_new(ctx, json_pack("{s:s?,s:s}", "version", *t->version ? t->version : NULL, "at", ts));
  return 0;
}

/* A page of a listing: {"<key>": [...], "next_page_token": last name when the page is full}. */
static int page(req_t *r, const char *key, json_t *items, int limit, const char *name_field) {
  json_t *out = json_pack("{s:o}", key, items);
  size_t n = json_array_size(items);
  if ((int)n == limit) json_object_set(out, "next_page_token", json_object_get(json_array_get(items, n - 1), name_field));
  return json_respond(r, 200, out);
}

static int list_datasets(req_t *r, const struct principal *who) {
  int limit = page_size(r);
  json_t *items = json_array();
  int rc = svc_ds_list(((struct app *)r->app)->svc, who, http_query(r, "page_token"), limit, add_dataset, items);
  if (rc) { json_decref(items); return http_fail(r, rc, NULL); }
  return page(r, "datasets", items, limit, "name");
}

static int commit_version(req_t *r, struct dsreq *d, const char *name) {
  struct app *a = r->app;
  size_t len;
  const char *body = json_body_raw(r, &len);
  char id[65], *missing = NULL;
  const char *why = NULL;
  int rc = svc_ds_commit(a->svc, &d->who, name, body, len, id, &why, &missing);
  if (missing) {   /* 409 MissingBlocks, or 403 for blocks the caller never uploaded */
    json_t *m = json_array();
    for (char *p = missing, *nl; (nl = strchr(p, '\n')); p = nl + 1) json_array_append_new(m, json_stringn(p, (size_t)(nl - p)));
    xfree(missing);
    return json_respond(r, rc == CAIRN_ENOENT ? 409 : 403,
                        json_pack("{s:{s:s,s:s},s:o}", "error", "code", rc == CAIRN_ENOENT ? "MissingBlocks" : "AccessDenied",
                                  "message", why, "missing", m));
  }
  if (rc) return http_fail(r, rc, why);
  return json_respond(r, 201, json_pack("{s:s,s:s}", "dataset", name, "version", id));
}

static int get_locators(req_t *r, struct dsreq *d, const char *name, const char *id) {
  char *json;
  int rc = svc_ds_locators(((struct app *)r->app)->svc, &d->who, name, id, &json);
  if (rc) return http_fail(r, rc, rc == CAIRN_ENOENT ? "no such dataset version" : NULL);
  http_add_header(r, "Cache-Control", "private, no-store");   /* signatures expire */
  rc = http_respond_buf(r, 200, "application/json", json, strlen(json));
  xfree(json);
  return rc;
}

static int get_version(req_t *r, struct dsreq *d, const char *name, const char *id) {
  struct meta_dsversion v;
  int rc = svc_ds_version_get(((struct app *)r->app)->svc, &d->who, name, id, &v);
  if (rc) return http_fail(r, rc, "no such dataset version");
  http_add_header(r, "Cache-Control", "public, max-age=31536000, immutable");
  rc = http_respond_buf(r, 200, "application/json", v.manifest, strlen(v.manifest));
  meta_dsversion_clear(&v);
  return rc;
}

/* GET a tag; with ?wait=S&since=V the answer waits (up to S seconds) until the tag is not V. */
static int get_tag(req_t *r, struct dsreq *d, const char *name, const char *tag) {
  struct meta_dstag t;
  svc_t *svc = ((struct app *)r->app)->svc;
  const char *since = http_query(r, "since"), *w = http_query(r, "wait");
  uint64_t gen = svc_ds_generation(svc);
  double now0 = time_mono_sec();
  /* waiting: nothing moved since the last look (and it was recent), so the answer is the same */
  if (d->wait_until && gen == d->gen && now0 - d->checked < 2 && now0 < d->wait_until) return CAIRN_EAGAIN;
  d->gen = gen;
  d->checked = now0;
  int rc = svc_ds_tag_get(svc, &d->who, name, tag, &t);
  if (w && since && (rc == CAIRN_ENOENT || (!rc && !strcmp(t.version, since)))) {
    double now = time_mono_sec();
    if (!d->wait_until) {
      int secs = atoi(w);
      d->wait_until = now + (secs < 0 ? 0 : secs > MAX_WAIT_S ? MAX_WAIT_S : secs);
    }
    if (now < d->wait_until) return CAIRN_EAGAIN;   /* asked again in ~50 ms */
    if (!rc) return http_respond_buf(r, 304, NULL, "", 0);   /* unchanged within the wait */
  }
  if (rc) return http_fail(r, rc, "no such tag");
  return json_respond(r, 200, tag_json(&t));
}

static int put_tag(req_t *r, struct dsreq *d, const char *name, const char *tag) {
  const char *err = NULL, *version = NULL;
  json_t *in = json_body_parse(r, &err);
  int floating = datasets_tag_floats(tag);
  if (!in || json_unpack(in, "{s:s,s?b}", "version", &version, "floating", &floating)) {
    json_decref(in);
    return http_fail(r, CAIRN_EINVAL, "body must be {\"version\": \"<id>\"}");
  }
  struct meta_dstag t = {0};
  snprintf(t.tag, sizeof t.tag, "%s", tag);
  snprintf(t.version, sizeof t.version, "%s", version);
  json_decref(in);
  t.floating = floating;
  t.updated_ms = time_now_ms();
  int rc = svc_ds_tag_set(((struct app *)r->app)->svc, &d->who, name, &t);
  if (rc == CAIRN_EEXIST) return http_fail(r, rc, "a version tag never moves: it already points at another version");
  if (rc == CAIRN_ENOENT) return http_fail(r, rc, "no such dataset version");
  if (rc) return http_fail(r, rc, NULL);
  return json_respond(r, 200, tag_json(&t));
}

static int set_public(req_t *r, struct dsreq *d, const char *name) {
  const char *err = NULL;
  json_t *in = json_body_parse(r, &err);
  int on = 0;
  if (!in || json_unpack(in, "{s:b}", "public", &on)) { json_decref(in); return http_fail(r, CAIRN_EINVAL, "body must be {\"public\": true|false}"); }
  json_decref(in);
  int rc = svc_ds_set_public(((struct app *)r->app)->svc, &d->who, name, on);
  if (rc) return http_fail(r, rc, rc == CAIRN_ENOENT ? "no such dataset" : "only the owner or an admin can change this");
  return json_respond(r, 200, json_pack("{s:s,s:b}", "dataset", name, "public", on));
}

static int ds_end(req_t *r) {
  struct app *a = r->app;
  const char *m = r->method;
  int get = !strcmp(m, "GET") || !strcmp(m, "HEAD");
  struct principal who;
  api_principal(r, &who);
  if (!*r->tail) {
    if (!get) return http_fail(r, CAIRN_EMETHOD, NULL);
    if (r->auth_rc) return http_fail(r, CAIRN_EAUTH, "listing datasets needs a key");
    return list_datasets(r, &who);
  }
  struct dsreq *d = get ? r->state : NULL;   /* a long poll asks again; bodies keep r->state for JSON */
  if (!d) {
    d = split(r);
    if (get) r->state = d;
  }
  d->who = who;
  if (!d->name || !datasets_name_ok(d->name)) return http_fail(r, CAIRN_EINVAL, "dataset names are [a-z0-9][a-z0-9._-]*, at most 128");
  const char *what = d->what ? d->what : "";
  if (!strcmp(what, "versions") && !d->arg && !strcmp(m, "POST")) return commit_version(r, d, d->name);
  if (!strcmp(what, "versions") && d->arg && !d->sub && get) return get_version(r, d, d->name, d->arg);
  if (!strcmp(what, "versions") && d->arg && d->sub && !strcmp(d->sub, "locators") && get) return get_locators(r, d, d->name, d->arg);
  if (!strcmp(what, "public") && !d->arg && !strcmp(m, "PUT")) return set_public(r, d, d->name);
  if (!strcmp(what, "tags") || !*what) {
    if (d->arg && !datasets_tag_ok(d->arg)) return http_fail(r, CAIRN_EINVAL, "tags are [A-Za-z0-9][A-Za-z0-9._-]*, at most 128");
    if (!d->arg && get) {   /* GET NAME or NAME/tags: the tags, paginated */
      int limit = page_size(r);
      json_t *items = json_array();
      int rc = svc_ds_tag_list(a->svc, &d->who, d->name, http_query(r, "page_token"), limit, add_tag, items);
      if (rc) {
        json_decref(items);
        return http_fail(r, rc, rc == CAIRN_ENOENT ? "no such dataset" : NULL);
      }
      return page(r, "tags", items, limit, "tag");
    }
    if (d->arg && d->sub && !strcmp(d->sub, "history") && get) {
      json_t *items = json_array();
      int rc = svc_ds_tag_history(a->svc, &d->who, d->name, d->arg, add_history, items);
      if (rc) { json_decref(items); return http_fail(r, rc, NULL); }
      if (!json_array_size(items)) { json_decref(items); return http_fail(r, CAIRN_ENOENT, "no such tag"); }
      return json_respond(r, 200, json_pack("{s:s,s:s,s:o}", "dataset", d->name, "tag", d->arg, "history", items));
    }
    if (d->arg && !d->sub && get) return get_tag(r, d, d->name, d->arg);
    if (d->arg && !d->sub && !strcmp(m, "PUT")) return put_tag(r, d, d->name, d->arg);
    if (d->arg && !d->sub && !strcmp(m, "DELETE")) {
      int rc = svc_ds_tag_delete(a->svc, &d->who, d->name, d->arg);
      if (rc) return http_fail(r, rc, rc == CAIRN_ENOENT ? "no such tag" : NULL);
      return http_respond_buf(r, 204, NULL, "", 0);
    }
  }
  return http_fail(r, CAIRN_ENOENT, "no such dataset endpoint");
}

const struct handler h_datasets = {ds_begin, ds_body, ds_end};
