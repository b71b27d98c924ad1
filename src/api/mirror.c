/* mirror.c - cloud-mirror's URLs: GET /v1/redirect/s3/<region>/<encodeURIComponent(url)> answers
 * 302 to the region's copy, or waits for the copy (woken when a task ends, never polling) and past
 * mirror_max_wait answers 302 to the upstream itself; with ?stream=1 a miss is answered 200 with the
 * bytes as the copy makes them; DELETE /v1/purge/s3/<region>/<url> (admin);
 * GET /v1/mirrors (admin: the entries, paged); GET /v1/ping. */
#include "app.h"
#include "json_body.h"
#include "../service/admin.h"
#include "../service/mirror.h"
#include "../service/task_ops.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/timeutil.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct wait { double until; uint64_t gen; int started; };

/* "s3/<region>/<url>" (already percent-decoded once: the URL is one encoded segment). */
static int split(const char *tail, char region[48], const char **url) {
  if (strncmp(tail, "s3/", 3)) return CAIRN_ENOENT;
  tail += 3;
  const char *slash = strchr(tail, '/');
  if (!slash || slash == tail || slash - tail >= 48) return CAIRN_ENOENT;
  memcpy(region, tail, (size_t)(slash - tail));
  region[slash - tail] = 0;
  *url = slash + 1;
  return **url ? 0 : CAIRN_EINVAL;
}

/* The Host a client sent, when it is a plain host[:port] (it goes into a Location header). */
static const char *safe_host(req_t *r) {
  const char *h = r->trusted_proxy && http_header(r, "X-Forwarded-Host") ? http_header(r, "X-Forwarded-Host")
                                                                           : http_header(r, "Host");
  if (!h || !*h || strlen(h) > 255) return NULL;
  for (const char *p = h; *p; p++)
    if (!(isalnum((unsigned char)*p) || strchr(".-:[]", *p))) return NULL;
  return h;
}

/* ?stream=1: the bytes of the running copy as they arrive (mirror_spool.h). */
struct streamer { req_t *r; spool_t *sp; };

static void suspend_cb(void *ctx) { http_stream_suspend(ctx); }
static void wake_cb(void *ctx) { http_stream_resume(ctx); }

static long stream_read(void *cls, uint64_t pos, char *buf, size_t max) {
  struct streamer *x = cls;
  long n = spool_read(x->sp, pos, buf, max, suspend_cb, wake_cb, x->r);
  return n == SPOOL_WAIT ? HTTP_READ_SUSPENDED : n;
}

static void stream_free(void *cls) {
  struct streamer *x = cls;
  spool_close(x->sp, x->r);
  xfree(x);
}

static int stream_copy(req_t *r, spool_t *sp) {
  struct streamer *x = xmalloc(sizeof *x);
  x->r = r;
  x->sp = sp;
  int64_t len = spool_length(sp);
  http_add_header(r, "Content-Type", spool_content_type(sp));
  http_add_header(r, "X-Cairn-Mirror", "streamed-while-copying");
  return http_respond_stream(r, 200, len >= 0 ? (uint64_t)len : UINT64_MAX, stream_read, x, stream_free);
}

static int answer(req_t *r, int status, const char *location, json_t *body) {
  if (location) http_add_header(r, "Location", location);
  return json_respond(r, status, body);
}

static int redirect(req_t *r) {
  struct app *a = r->app;
  char region[48];
  const char *url;
  int rc = split(r->tail, region, &url);
  if (rc) return http_fail(r, rc, "the path is /v1/redirect/s3/REGION/ENCODED-URL");
  if (*r->raw_query && strcmp(r->raw_query, "stream=1") && strcmp(r->raw_query, "stream=0"))
    return http_fail(r, CAIRN_EINVAL, "the only query parameter is stream=0|1");
  int want_stream = !strcmp(r->raw_query, "stream=1");
  struct wait *w = r->state;
  if (w && svc_task_generation(a->svc) == w->gen && time_mono_sec() < w->until) return CAIRN_EAGAIN;
  if (!w) {
    w = r->state = mempool_alloc(r->pool, sizeof *w);
    w->until = time_mono_sec() + (double)a->cfg->mirror_max_wait_ms / 1e3;
    w->started = 0;
  }
  w->gen = svc_task_generation(a->svc);
  struct mirror_answer m;
  if ((rc = svc_mirror_redirect(a->svc, region, url, !w->started, &m))) return http_fail(r, rc, NULL);
  w->started = 1;
  switch (m.outcome) {
  case MIRROR_PRESENT: {
    const char *host = safe_host(r);
    if (!host) return http_fail(r, CAIRN_EINVAL, "the Host header is not a host name");
    char *loc = mempool_printf(r->pool, "%s://%s/%s/%s", *a->cfg->tls_cert ? "https" : "http", host,
                               m.bucket, m.key);
    return answer(r, 302, loc, json_pack("{s:s,s:s}", "status", "present", "url", loc));
  }
  case MIRROR_REFUSED:
    return json_respond(r, m.status, json_pack("{s:s,s:s}", "msg", m.msg, "err", m.err));
  case MIRROR_UPSTREAM:
    return answer(r, 302, url, json_pack("{s:s,s:s}", "url", url, "msg", m.msg));
  case MIRROR_PENDING:
    if (want_stream) {
      spool_t *sp = svc_mirror_stream(a->svc, region, url);
      if (sp) return stream_copy(r, sp);
    }
    if (time_mono_sec() < w->until) return CAIRN_EAGAIN;
    svc_mirror_count_fallback(a->svc);
    char msg[80];
    snprintf(msg, sizeof msg, "Cached copy did not show up in %llds", (long long)(a->cfg->mirror_max_wait_ms / 1000));
    return answer(r, 302, url, json_pack("{s:s,s:s}", "url", url, "msg", msg));
  }
  return http_fail(r, CAIRN_EIO, NULL);
}

static int purge(req_t *r) {
  struct app *a = r->app;
  struct principal who;
  api_principal(r, &who);
  char region[48];
  const char *url;
  int rc = split(r->tail, region, &url);
  if (!rc) rc = svc_mirror_purge(a->svc, &who, region, url);
  if (rc) return http_fail(r, rc, rc == CAIRN_ENOENT ? "unknown region" : NULL);
  return http_respond_buf(r, 204, NULL, "", 0);
}

/* GET /v1/mirrors?after=&limit=: the entries, a page at a time (admin). */
static int list(req_t *r) {
  struct app *a = r->app;
  struct principal who;
  api_principal(r, &who);
  const char *lim = http_query(r, "limit");
  char *end = NULL;
  long n = lim ? strtol(lim, &end, 10) : 100;
  if (lim && (!*lim || *end)) return http_fail(r, CAIRN_EINVAL, "limit must be a number 1..1000");
  json_t *j;
  int rc = svc_mirror_list(a->svc, &who, http_query(r, "after"), n < 1 || n > 1000 ? 0 : (int)n, &j);
  if (rc) return http_fail(r, rc, rc == CAIRN_EINVAL ? "limit must be 1..1000 and after a previous page's next" : NULL);
  return json_respond(r, 200, j);
}

static int ping(req_t *r) {
  struct app *a = r->app;
  if (!r->auth_rc) return http_respond_buf(r, 200, "application/json", "\"pong\"", 6);   /* the filer-gateway's, signed in */
  return json_respond(r, 200, json_pack("{s:b,s:I}", "alive", 1, "uptime", (json_int_t)(svc_uptime_ms(a->svc) / 1000)));
}

const struct handler h_mirror_redirect = {NULL, NULL, redirect};
const struct handler h_mirror_purge = {NULL, NULL, purge};
const struct handler h_ping = {ping, NULL, NULL};
const struct handler h_mirror_list = {list, NULL, NULL};
