/* mirror.c - the regional mirror: entries, the redirect decision, the copy task and purge
 * (mirror.h). Upstream fetching and its safety rules are in mirror_fetch.c. */
#include "mirror.h"
#include "mirror_fetch.h"
#include "lifecycle.h"
#include "objects.h"
#include "svc_internal.h"
#include "../crypto/hash.h"
#include "../util/alloc.h"
#include "../util/base64.h"
#include "../util/err.h"
#include "../util/hex.h"
#include "../util/log.h"
#include "../util/timeutil.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PREFIX "mirror-"

static int region_known(const struct config *c, const char *region) {
  size_t n = strlen(region);
  if (!n || n > 40) return 0;
  for (size_t i = 0; i < n; i++) if (!(islower((unsigned char)region[i]) || isdigit((unsigned char)region[i]) || region[i] == '-')) return 0;
  const char *p = c->mirror_regions;
  while (p && *p) {
    while (*p == ',' || *p == ' ') p++;
    size_t l = strcspn(p, ", ");
    if (l == n && !strncmp(p, region, n)) return 1;
    p += l;
  }
  return 0;
}

static void url_hash(const char *url, char out[65]) { sha256_hex(url, strlen(url), out); }

static void refuse(struct mirror_answer *a, int status, const char *err, const char *msg) {
  a->outcome = MIRROR_REFUSED;
  a->status = status;
  snprintf(a->err, sizeof a->err, "%s", err);
  snprintf(a->msg, sizeof a->msg, "%s", msg);
}

static struct mirror_rules rules_of(const struct config *c) {
  return (struct mirror_rules){c->mirror_allow, c->mirror_require_https != 0};
}

/* The copy's own record of what it is (the entry can be rebuilt from it). */
static int copy_matches(svc_t *s, const char *bucket, const char *key, const char *url, struct meta_mirror *e) {
  struct meta_object o;
  if (meta_object_get(s->meta, bucket, key, &o)) return 0;
  json_t *h = json_loads(o.headers ? o.headers : "{}", 0, NULL);
  const char *u = json_string_value(json_object_get(h, "x-amz-meta-upstream-url"));
  int ok = u && !strcmp(u, url);
  if (ok && e) {
    const char *et = json_string_value(json_object_get(h, "x-amz-meta-upstream-etag"));
    const char *lm = json_string_value(json_object_get(h, "x-amz-meta-upstream-last-modified"));
    const char *ex = json_string_value(json_object_get(h, "x-amz-meta-upstream-expires"));
    snprintf(e->etag, sizeof e->etag, "%s", et ? et : "");
    snprintf(e->last_modified, sizeof e->last_modified, "%s", lm ? lm : "");
    e->expires_ms = ex ? strtoll(ex, NULL, 10) : 0;
    e->size = o.size;
  }
  json_decref(h);
  meta_object_clear(&o);
  return ok;
}

/* The entry says pending *before* the task exists: a copy that ends at once then writes its own
 * state last (written after, "pending" would hide a finished copy from every waiting request). */
static int queue_copy(svc_t *s, struct meta_mirror *e, int *coalesced) {
  char dedup[200];
  snprintf(dedup, sizeof dedup, "mirror:%s:%s", e->region, e->url_hash);
  snprintf(e->state, sizeof e->state, "pending");
  e->updated_ms = time_now_ms();
  int rc = meta_mirror_put(s->meta, e);
  if (rc) return rc;
  json_t *payload = json_pack("{s:s,s:s}", "region", e->region, "url", e->url);
  char id[33];
  rc = tasks_submit(s->tasks, "mirror", "", payload, dedup, 0, id, coalesced);
  json_decref(payload);
  return rc;   /* the task records its id in the entry when it ends */
}

int svc_mirror_redirect(svc_t *s, const char *region, const char *url, int first, struct mirror_answer *a) {
  const struct config *c = s->cfg;
  memset(a, 0, sizeof *a);
  if (!region_known(c, region)) { refuse(a, 404, "UnknownRegion", "this gateway does not mirror into that region"); return 0; }
  const char *why;
  struct mirror_rules r = rules_of(c);
  if (mirror_url_allowed(&r, url, &why)) { refuse(a, 403, "InvalidUrl", why); return 0; }
  char h[65];
  url_hash(url, h);
  snprintf(a->bucket, sizeof a->bucket, PREFIX "%s", region);
  snprintf(a->key, sizeof a->key, "%s", h);
  struct meta_mirror e;
  int rc = meta_mirror_get(s->meta, region, h, &e);
  if (rc == CAIRN_ENOENT) {   /* no entry: maybe the copy is there (backfill), else a new one */
    memset(&e, 0, sizeof e);
    snprintf(e.region, sizeof e.region, "%s", region);
    snprintf(e.url_hash, sizeof e.url_hash, "%s", h);
    e.url = xstrdup(url);
    if (copy_matches(s, a->bucket, h, url, &e)) {
      snprintf(e.state, sizeof e.state, "present");
      e.updated_ms = time_now_ms();
      meta_mirror_put(s->meta, &e);
      LOGI("mirror: entry for %s in %s rebuilt from its copy", url, region);
    } else {
      snprintf(e.state, sizeof e.state, "absent");
    }
    rc = 0;
  } else if (rc) {
    return rc;
  }
  int64_t now = time_now_ms();
  if (!strcmp(e.state, "present") && copy_matches(s, a->bucket, h, url, NULL) && (!e.expires_ms || now < e.expires_ms)) {
    a->outcome = MIRROR_PRESENT;
    if (first) atomic_fetch_add(&s->metrics.mirror_hits, 1);
  } else if (!strcmp(e.state, "error") && !first) {   /* the copy this request waits for failed */
    if (e.http_status >= 400 && e.http_status < 500) refuse(a, e.http_status, "BadHTTPStatus", e.error ? e.error : "the upstream refused");
    else if (e.error && !strncmp(e.error, "InvalidUrl", 10)) refuse(a, 403, "InvalidUrl", e.error);
    else { a->outcome = MIRROR_UPSTREAM; snprintf(a->msg, sizeof a->msg, "%s", e.error ? e.error : "copy failed"); }
  } else if (!strcmp(e.state, "pending") && !first) {
    a->outcome = MIRROR_PENDING;
  } else {
    /* absent, expired, failed before, or a pending entry whose task may be gone: (re)queue; the
     * dedup key joins a copy already under way */
    if (first) atomic_fetch_add(&s->metrics.mirror_misses, 1);
    rc = queue_copy(s, &e, &a->coalesced);
    if (!rc && a->coalesced) atomic_fetch_add(&s->metrics.mirror_coalesced, 1);
    a->outcome = MIRROR_PENDING;
  }
  meta_mirror_clear(&e);
  return rc;
}

int svc_mirror_purge(svc_t *s, const struct principal *p, const char *region, const char *url) {
  if (p->kind != PRINCIPAL_ADMIN) return CAIRN_EAUTH;
  if (!region_known(s->cfg, region)) return CAIRN_ENOENT;
  char h[65], bucket[64];
  url_hash(url, h);
  snprintf(bucket, sizeof bucket, PREFIX "%s", region);
  int rc = meta_object_delete(s->meta, bucket, h);
  int rc2 = meta_mirror_delete(s->meta, region, h);
  if (rc && rc != CAIRN_ENOSUCHKEY && rc != CAIRN_ENOSUCHBUCKET) return rc;
  return rc2 && rc2 != CAIRN_ENOENT ? rc2 : 0;
}

struct list_page { json_t *arr; int n; char last[64 + 1 + 64 + 1]; };

static int list_entry(void *ctx, const struct meta_mirror *e) {
  struct list_page *pg = ctx;
  char updated[32], expires[32];
  time_format_iso8601_ms(e->updated_ms, updated, sizeof updated);
  time_format_iso8601_ms(e->expires_ms, expires, sizeof expires);
  json_array_append_new(pg->arr, json_pack("{s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:s?}", "region", e->region, "url", e->url ? e->url : "",
                                           "state", e->state, "size", (json_int_t)e->size, "etag", e->etag, "updated", updated,
                                           "expires", expires, "error", e->error));
  snprintf(pg->last, sizeof pg->last, "%s.%s", e->url_hash, e->region);
  pg->n++;
  return 0;
}

int svc_mirror_list(svc_t *s, const struct principal *p, const char *after, int limit, json_t **out) {
  if (p->kind != PRINCIPAL_ADMIN) return CAIRN_EAUTH;
  if (limit < 1 || limit > 1000) return CAIRN_EINVAL;
  char region[64] = "", hash[65] = "";
  if (after) {   /* "HASH.REGION", as the previous page's next (no character a URL must escape) */
    size_t n = strlen(after);
    if (n < 66 || n - 65 >= sizeof region || after[64] != '.' || !hex_is_lower(after, 64)) return CAIRN_EINVAL;
    memcpy(hash, after, 64);
    memcpy(region, after + 65, n - 65 + 1);
  }
  struct list_page pg = {json_array(), 0, ""};
  int rc = meta_mirror_list(s->meta, region, hash, limit, list_entry, &pg);
  if (rc) { json_decref(pg.arr); return rc; }
  *out = json_pack("{s:o,s:s?}", "entries", pg.arr, "next", pg.n == limit ? pg.last : NULL);
  return 0;
}

void svc_mirror_count_fallback(svc_t *s) { atomic_fetch_add(&s->metrics.mirror_fallbacks, 1); }

/* ---- the copy task ---- */

/* The region's bucket: created on demand, owned by the server (no user), public-read, with a
 * lifecycle rule deleting copies after mirror_ttl. */
static int ensure_bucket(svc_t *s, const char *bucket) {
  struct meta_bucket b = {0};
  snprintf(b.name, sizeof b.name, "%s", bucket);
  snprintf(b.acl, sizeof b.acl, "public-read");
  b.created_ms = time_now_ms();
  int rc = meta_bucket_create(s->meta, &b);
  if (rc == CAIRN_EBUCKETEXISTS) {
    struct meta_bucket old;
    if ((rc = meta_bucket_get(s->meta, bucket, &old))) return rc;
    rc = old.owner[0] ? CAIRN_EBUCKETTAKEN : 0;   /* a user's bucket is never written by the mirror */
    meta_bucket_clear(&old);
    return rc;
  }
  if (rc) return rc;
  int64_t day = s->cfg->lifecycle_day_ms > 0 ? s->cfg->lifecycle_day_ms : 86400000;
  int64_t days = (s->cfg->mirror_ttl_ms + day - 1) / day;
  char xml[512], *rules = NULL;
  snprintf(xml, sizeof xml, "<LifecycleConfiguration><Rule><ID>mirror-ttl</ID><Filter><Prefix></Prefix></Filter>"
                            "<Status>Enabled</Status><Expiration><Days>%lld</Days></Expiration></Rule></LifecycleConfiguration>",
           (long long)(days < 1 ? 1 : days));
  const char *why;
  if (!lifecycle_parse(xml, strlen(xml), &rules, &why)) rc = meta_lifecycle_set(s->meta, bucket, rules);
  xfree(rules);
  return rc;
}

struct copy {
  svc_t *s;
  struct task_run *run;
  obj_writer_t *w;
  uint64_t got;
  int64_t total;
  const char *spool_key;
  spool_t *sp;                 /* the bytes so far, for streaming readers (NULL: none) */
};

static void spool_key(const char *region, const char *hash, char out[160]) { snprintf(out, 160, "%s/%s", region, hash); }

static int copy_start(void *ctx, const struct mirror_response *r) {
  struct copy *c = ctx;
  c->total = r->content_length;
  if (r->content_length > 0 && (uint64_t)r->content_length > c->s->cfg->max_object_size) return CAIRN_ETOOBIG;
  struct cdc_params p = {CDC_DEFAULT_MIN, CDC_DEFAULT_AVG, CDC_DEFAULT_MAX};
  int rc = svc_obj_writer_begin(c->s, &p, 0, NULL, &c->w);
  if (!rc && !c->sp) {
    c->sp = spool_begin(c->s->spools, c->spool_key, r->content_length, r->content_type);
    if (c->sp) tasks_poke(c->s->tasks);   /* waiting ?stream=1 requests can start now */
  }
  return rc;
}

static int copy_body(void *ctx, const void *data, size_t n) {
  struct copy *c = ctx;
  if (task_canceled(c->run)) return CAIRN_EAGAIN;
  if (c->got + n > c->s->cfg->max_object_size) return CAIRN_ETOOBIG;
  if (c->sp && spool_write(c->sp, data, n)) { spool_finish(c->sp, 0); c->sp = NULL; }   /* streaming stops; the copy goes on */
  int rc = obj_writer_write(c->w, data, n);
  c->got += n;
  atomic_fetch_add(&c->s->metrics.mirror_bytes, n);
  task_progress(c->run, (int64_t)c->got, c->total, "copying");
  return rc;
}

/* When the upstream says the copy goes stale: max-age, else Expires, else mirror_ttl. */
static int64_t expiry_of(const struct config *cfg, const struct mirror_response *r, int64_t now) {
  const char *ma = strcasestr(r->cache_control, "max-age=");
  if (ma) return now + strtoll(ma + 8, NULL, 10) * 1000;
  if (strcasestr(r->cache_control, "no-cache") || strcasestr(r->cache_control, "no-store")) return now;
  time_t t;
  if (*r->expires && !time_parse_http(r->expires, &t)) return (int64_t)t * 1000;
  return now + cfg->mirror_ttl_ms;
}

static char *copy_headers(const struct mirror_response *r, const char *url, int64_t expires, int64_t now, uint64_t size) {
  json_t *h = json_object();
  if (*r->content_encoding) json_object_set_new(h, "Content-Encoding", json_string(r->content_encoding));
  if (*r->content_disposition) json_object_set_new(h, "Content-Disposition", json_string(r->content_disposition));
  char num[32];
  json_object_set_new(h, "x-amz-meta-upstream-url", json_string(url));
  json_object_set_new(h, "x-amz-meta-upstream-etag", json_string(r->etag));
  json_object_set_new(h, "x-amz-meta-upstream-last-modified", json_string(r->last_modified));
  snprintf(num, sizeof num, "%llu", (unsigned long long)size);
  json_object_set_new(h, "x-amz-meta-upstream-size", json_string(num));
  snprintf(num, sizeof num, "%lld", (long long)expires);
  json_object_set_new(h, "x-amz-meta-upstream-expires", json_string(num));
  char when[40];
  time_format_iso8601_ms(now, when, sizeof when);
  json_object_set_new(h, "x-amz-meta-copied-at", json_string(when));
  char *s = json_dumps(h, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(h);
  return s;
}

/* Records the end of a copy in the entry; an error is recorded only when it is final. */
static void set_entry(svc_t *s, struct meta_mirror *e, const char *state, int http_status, const char *err, const char *detail) {
  snprintf(e->state, sizeof e->state, "%s", state);
  e->http_status = http_status;
  xfree(e->error);
  xfree(e->error_detail);
  e->error = err ? xstrdup(err) : NULL;
  e->error_detail = detail ? xstrdup(detail) : NULL;
  e->updated_ms = time_now_ms();
  meta_mirror_put(s->meta, e);
}

static int copy_fail(svc_t *s, struct task_run *run, struct meta_mirror *e, int permanent, int http_status,
                     const char *reason, const char *detail) {
  if (permanent || task_last_attempt(run)) {
    atomic_fetch_add(&s->metrics.mirror_errors, 1);
    set_entry(s, e, "error", http_status, reason, detail);
  }
  return task_fail(run, permanent, reason, "%s", detail);
}

static int mirror_task(void *ctx, struct task_run *run, const json_t *payload, json_t **result) {
  svc_t *s = ctx;
  const char *region = json_string_value(json_object_get(payload, "region"));
  const char *url = json_string_value(json_object_get(payload, "url"));
  if (!region || !url) return task_fail(run, 1, "bad payload", "a mirror task needs region and url");
  struct meta_mirror e;
  char h[65], bucket[64];
  url_hash(url, h);
  snprintf(bucket, sizeof bucket, PREFIX "%s", region);
  if (meta_mirror_get(s->meta, region, h, &e)) {
    memset(&e, 0, sizeof e);
    snprintf(e.region, sizeof e.region, "%s", region);
    snprintf(e.url_hash, sizeof e.url_hash, "%s", h);
    e.url = xstrdup(url);
  }
  snprintf(e.task_id, sizeof e.task_id, "%s", task_id(run));
  char sk[160];
  spool_key(region, h, sk);
  struct copy c = {s, run, NULL, 0, -1, sk, NULL};
  int rc = ensure_bucket(s, bucket);
  if (rc) { rc = copy_fail(s, run, &e, rc == CAIRN_EBUCKETTAKEN, 0, "the mirror bucket is not usable", cairn_strerror(rc)); goto out; }
  /* revalidate when a copy is there: a 304 keeps it */
  struct meta_mirror have = e;
  int revalidate = copy_matches(s, bucket, h, url, &have);
  int64_t fresh_until = have.expires_ms > e.expires_ms ? have.expires_ms : e.expires_ms;
  if (revalidate && time_now_ms() < fresh_until) {
    /* a request that saw no copy queued this after another task had made one: nothing to fetch */
    snprintf(e.etag, sizeof e.etag, "%s", have.etag);
    snprintf(e.last_modified, sizeof e.last_modified, "%s", have.last_modified);
    e.size = have.size;
    e.expires_ms = fresh_until;
    set_entry(s, &e, "present", 0, NULL, NULL);
    *result = json_pack("{s:s,s:b}", "url", url, "already_present", 1);
    goto out;
  }
  struct mirror_fetch f = {revalidate ? have.etag : NULL, revalidate ? have.last_modified : NULL, copy_start, copy_body, &c};
  struct mirror_response resp;
  struct mirror_rules r = rules_of(s->cfg);
  char why[512] = "";
  rc = mirror_fetch_url(&r, url, &f, &resp, why, sizeof why);
  int64_t now = time_now_ms();
  if (rc) {
    if (c.w) obj_writer_abort(c.w);
    if (rc == CAIRN_EAUTH) { char m[600]; snprintf(m, sizeof m, "InvalidUrl: %s", why); rc = copy_fail(s, run, &e, 1, 0, m, why); }
    else rc = copy_fail(s, run, &e, rc == CAIRN_ETOOBIG, 0, "the upstream could not be copied", why);
    goto out;
  }
  if (resp.status == 304 && revalidate) {
    if (c.w) obj_writer_abort(c.w);
    e.expires_ms = expiry_of(s->cfg, &resp, now);
    snprintf(e.etag, sizeof e.etag, "%s", have.etag);
    snprintf(e.last_modified, sizeof e.last_modified, "%s", have.last_modified);
    e.size = have.size;
    set_entry(s, &e, "present", 0, NULL, NULL);
    *result = json_pack("{s:s,s:b}", "url", url, "revalidated", 1);
    goto out;
  }
  if (resp.status < 200 || resp.status > 299) {
    if (c.w) obj_writer_abort(c.w);
    char m[128];
    snprintf(m, sizeof m, "the upstream answered %d", resp.status);
    rc = copy_fail(s, run, &e, resp.status < 500, resp.status, m, resp.final_url);
    goto out;
  }
  struct manifest man;
  char md5[33], sha[65];
  if (!c.w) { rc = copy_fail(s, run, &e, 0, 0, "the upstream body did not start", why); goto out; }
  rc = obj_writer_finish(c.w, &man, md5, sha);
  c.w = NULL;
  if (rc) { rc = copy_fail(s, run, &e, 0, 0, "storing the copy failed", cairn_strerror(rc)); goto out; }
  if (resp.content_length >= 0 && (uint64_t)resp.content_length != man.total) {
    manifest_free(&man);
    char d[128];
    snprintf(d, sizeof d, "Content-Length %lld but %llu bytes arrived", (long long)resp.content_length, (unsigned long long)man.total);
    rc = copy_fail(s, run, &e, 0, 0, "the upstream body was cut short", d);
    goto out;
  }
  if (*resp.content_md5) {
    size_t n = 0;
    unsigned char *raw = base64_decode(resp.content_md5, 64, &n);
    char hx[33] = "";
    if (raw && n == 16) hex_encode(raw, 16, hx);
    xfree(raw);
    if (strcmp(hx, md5)) {
      manifest_free(&man);
      rc = copy_fail(s, run, &e, 0, 0, "the upstream body does not match its Content-MD5", resp.content_md5);
      goto out;
    }
  }
  int64_t expires = expiry_of(s->cfg, &resp, now);
  char *enc = manifest_encode(&man);
  char *hdrs = copy_headers(&resp, url, expires, now, man.total);
  struct meta_object o = {0};
  snprintf(o.bucket, sizeof o.bucket, "%s", bucket);
  o.key = h;
  o.size = man.total;
  snprintf(o.etag, sizeof o.etag, "%s", md5);
  o.content_type = *resp.content_type ? resp.content_type : "application/octet-stream";
  o.manifest = enc;
  o.created_ms = now;
  o.headers = hdrs;
  rc = meta_object_put(s->meta, &o);
  xfree(enc);
  free(hdrs);
  uint64_t size = man.total;
  manifest_free(&man);
  if (rc) { rc = copy_fail(s, run, &e, 0, 0, "recording the copy failed", cairn_strerror(rc)); goto out; }
  e.size = size;
  e.expires_ms = expires;
  snprintf(e.etag, sizeof e.etag, "%s", resp.etag);
  snprintf(e.last_modified, sizeof e.last_modified, "%s", resp.last_modified);
  set_entry(s, &e, "present", 0, NULL, NULL);
  *result = json_pack("{s:s,s:s,s:s,s:I}", "url", url, "bucket", bucket, "key", h, "size", (json_int_t)size);
out:
  spool_finish(c.sp, rc == 0);
  meta_mirror_clear(&e);
  return rc;
}

spool_t *svc_mirror_stream(svc_t *s, const char *region, const char *url) {
  char h[65], sk[160];
  url_hash(url, h);
  spool_key(region, h, sk);
  return spool_open(s->spools, sk);
}

static struct task_kind k_mirror = {"mirror", mirror_task, NULL, 4, 1000};

void mirror_register(svc_t *s) {
  k_mirror.ctx = s;
  tasks_register(s->tasks, &k_mirror);
}
