/* blocks.c - the /v1/blocks API: PUT, GET/HEAD (with Range, signed locators), DELETE (trash),
 * untrash, POST missing, and the streamed index. HTTP in, typed service/blocks.h calls out. */
#include "app.h"
#include "json_body.h"
#include "../http/async.h"
#include "../http/range.h"
#include "../service/blocks.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/hex.h"
#include "../util/sbuf.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

/* ---- PUT /v1/blocks/<sha256>[+size] ---- */

struct put_state {
  svc_block_put_t *put;
  struct locator loc;
  int committing, rc, replicas;   /* the commit (fsync, rename) runs on a worker */
  char signed_loc[LOCATOR_MAX + 1];
};

static void put_cleanup(void *p) {
  struct put_state *st = p;
  if (st->put) svc_block_put_abort(st->put);   /* disconnect or error: nothing is kept */
}

static int put_begin(req_t *r) {
  struct app *a = r->app;
  struct put_state *st = mempool_alloc(r->pool, sizeof *st);
  if (locator_parse(r->tail, &st->loc) || st->loc.is_signed)
    return http_fail(r, CAIRN_EINVAL, "PUT needs /v1/blocks/<sha256>[+size]");
  int64_t expect = st->loc.size;
  if (r->content_length >= 0) {
    if (expect >= 0 && expect != r->content_length)
      return http_fail(r, CAIRN_ESIZE, "Content-Length differs from the size in the locator");
    expect = r->content_length;
  }
  const char *ph = r->payload_hash;
  if (ph && strlen(ph) == 64 && hex_is_lower(ph, 64) && memcmp(ph, st->loc.id, 64))
    return http_fail(r, CAIRN_EHASH, "x-amz-content-sha256 differs from the block id");
  struct principal who;
  api_principal(r, &who);
  int rc = api_transfer_share(r);
  if (!rc) rc = svc_block_put_begin(a->svc, &who, st->loc.id, expect, &st->put);
  if (rc) {
    st->put = NULL;
    if (rc == CAIRN_EBUSY) return rc;   /* the server parks and retries */
    return http_fail(r, rc, rc == CAIRN_ETOOBIG ? "block larger than max_block" : NULL);
  }
  mempool_on_cleanup(r->pool, put_cleanup, st);
  r->state = st;
  return 0;
}

static int put_body(req_t *r, const char *data, size_t n) {
  struct put_state *st = r->state;
  int rc = svc_block_put_write(st->put, data, n);
  if (rc) {   /* give the buffer back now; the rest of the body is discarded */
    svc_block_put_abort(st->put);
    st->put = NULL;
  }
  return rc;
}

static void put_commit_job(void *arg) {
  struct put_state *st = arg;
  st->rc = svc_block_put_finish(st->put, &st->replicas, st->signed_loc);
  st->put = NULL;
}

static int put_end(req_t *r) {
  struct put_state *st = r->state;
  if (!st->committing) {   /* verify and fsync off the event thread; end runs again after */
    st->committing = 1;
    return http_defer(r, put_commit_job, st);
  }
  int rc = st->rc;
  if (rc) return http_fail(r, rc, rc == CAIRN_EHASH ? "the body does not hash to the block id" : NULL);
  char n[16];
  snprintf(n, sizeof n, "%d", st->replicas);
  http_add_header(r, "X-Cairn-Replicas", n);
  return http_respond_buf(r, 200, "text/plain; charset=utf-8", mempool_printf(r->pool, "%s\n", st->signed_loc),
                          strlen(st->signed_loc) + 1);
}

/* ---- GET / HEAD /v1/blocks/<locator> ---- */

/* A signed locator is always checked; a bare id is for admins (users read what they were given
 * signed locators for). */
static int check_locator(req_t *r, const struct locator *l) {
  struct principal who;
  api_principal(r, &who);
  int rc = svc_block_read_check(((struct app *)r->app)->svc, &who, l);
  if (!rc) return 0;
  http_fail(r, rc, rc == CAIRN_EEXPIRED ? "signed locator has expired"
                   : l->is_signed ? "signed locator signature is invalid"
                   : "reading a block by its bare id needs an admin key; use the signed locator you were given");
  return -1;
}

/* Streams [off, off + len) of a block when it has no file descriptor for sendfile. */
struct ranged { svc_block_reader_t *g; uint64_t off; };
static long ranged_read(void *cls, uint64_t pos, char *buf, size_t max) {
  struct ranged *x = cls;
  ssize_t n = svc_block_read(x->g, buf, max, x->off + pos);   /* pos is relative to the response */
  return n < 0 ? -1 : n;
}
static void ranged_free(void *cls) {
  struct ranged *x = cls;
  svc_block_close(x->g);
  xfree(x);
}

static void block_headers(req_t *r, const char *id) {
  char etag[70];
  snprintf(etag, sizeof etag, "\"%s\"", id);
  http_add_header(r, "ETag", etag);
  http_add_header(r, "Accept-Ranges", "bytes");
  http_add_header(r, "Content-Type", "application/octet-stream");
  http_add_header(r, "Cache-Control", "private, max-age=31536000, immutable");
}

struct get_state { struct locator l; int opened, rc; svc_block_reader_t *g; uint64_t size; svc_t *svc; };

static void get_open_job(void *arg) {   /* on a worker: the open hashes the whole block */
  struct get_state *st = arg;
  st->rc = svc_block_open(st->svc, st->l.id, &st->g, &st->size);
}

static void get_cleanup(void *p) {
  struct get_state *st = p;
  if (st->g) svc_block_close(st->g);
}

static int get_begin(req_t *r) {
  struct app *a = r->app;
  struct get_state *st = mempool_alloc(r->pool, sizeof *st);
  if (locator_parse(r->tail, &st->l)) return http_fail(r, CAIRN_EINVAL, "malformed block locator");
  if (check_locator(r, &st->l)) return 0;
  if (!strcmp(r->method, "HEAD")) {
    uint64_t size;
    char *vols;   /* operators' view: which volumes hold it, in read order */
    if (svc_block_locate(a->svc, st->l.id, &size, &vols)) return http_fail(r, CAIRN_ENOENT, NULL);
    block_headers(r, st->l.id);
    http_add_header(r, "X-Cairn-Volumes", vols);
    xfree(vols);
    return http_respond_head(r, 200, size);
  }
  char *url = api_direct_url(r, st->l.id);
  if (url) return api_direct_redirect(r, url);
  st->svc = a->svc;
  mempool_on_cleanup(r->pool, get_cleanup, st);
  r->state = st;
  return 0;
}

static int get_end(req_t *r) {
  struct get_state *st = r->state;
  if (!st->opened) {
    int rc = api_transfer_share(r);
    if (rc) return rc;   /* CAIRN_EBUSY: parked, end runs again */
    st->opened = 1;
    return http_defer(r, get_open_job, st);
  }
  if (st->rc == CAIRN_EBUSY) {   /* no buffer to verify with: park, then try again */
    st->opened = 0;
    return CAIRN_EBUSY;
  }
  int rc = st->rc;
  if (rc) return http_fail(r, rc, rc == CAIRN_ECORRUPT ? "every stored copy of this block is corrupt" : NULL);
  svc_block_reader_t *g = st->g;
  uint64_t size = st->size, off = 0, len = size;
  block_headers(r, st->l.id);
  int status = 200;
  char cr[96];
  switch (range_parse(http_header(r, "Range"), size, &off, &len)) {
  case RANGE_UNSATISFIABLE:
    snprintf(cr, sizeof cr, "bytes */%llu", (unsigned long long)size);
    http_add_header(r, "Content-Range", cr);
    return http_fail(r, CAIRN_ERANGE, NULL);
  case RANGE_OK:
    status = 206;
    snprintf(cr, sizeof cr, "bytes %llu-%llu/%llu", (unsigned long long)off,
             (unsigned long long)(off + len - 1), (unsigned long long)size);
    http_add_header(r, "Content-Range", cr);
    break;
  case RANGE_NONE:
    break;
  }
  int fd = svc_block_fd(g);
  if (fd >= 0) return http_respond_fd(r, status, fd, off, len);   /* fd dup'ed; g closes at cleanup */
  st->g = NULL;   /* the response owns it now */
  struct ranged *x = xmalloc(sizeof *x);
  x->g = g;
  x->off = off;
  return http_respond_stream(r, status, len, ranged_read, x, ranged_free);
}

/* ---- DELETE /v1/blocks/<id>, POST /v1/blocks/<id>/untrash ---- */

static int del_begin(req_t *r) {
  struct app *a = r->app;
  struct locator l;
  if (locator_parse(r->tail, &l)) return http_fail(r, CAIRN_EINVAL, "malformed block id");
  struct principal who;
  api_principal(r, &who);
  int rc = svc_block_trash(a->svc, &who, l.id);
  if (rc) return http_fail(r, rc, NULL);
  return json_respond(r, 200, json_pack("{s:s,s:s}", "id", l.id, "state", "trashed"));
}

static int untrash_begin(req_t *r) {
  struct app *a = r->app;
  const char *slash = strchr(r->tail, '/');
  if (!slash || strcmp(slash, "/untrash") || slash - r->tail != 64 || !hex_is_lower(r->tail, 64))
    return http_fail(r, CAIRN_ENOENT, "use POST /v1/blocks/<id>/untrash");
  char id[65];
  memcpy(id, r->tail, 64);
  id[64] = 0;
  struct principal who;
  api_principal(r, &who);
  int rc = svc_block_untrash(a->svc, &who, id);
  if (rc) return http_fail(r, rc, rc == CAIRN_ENOENT ? "block is not in the trash" : NULL);
  return json_respond(r, 200, json_pack("{s:s,s:s}", "id", id, "state", "present"));
}

/* ---- POST /v1/blocks/missing ---- */

static int missing_end(req_t *r) {
  struct app *a = r->app;
  const char *err = NULL;
  json_t *in = json_body_parse(r, &err);
  if (!in) return http_fail(r, CAIRN_EINVAL, err);
  if (!json_is_array(in)) { json_decref(in); return http_fail(r, CAIRN_EINVAL, "body must be a JSON array of block ids"); }
  json_t *out = json_array();
  struct principal who;
  api_principal(r, &who);
  size_t i;
  json_t *v;
  json_array_foreach(in, i, v) {
    struct locator l;
    if (!json_is_string(v) || locator_parse(json_string_value(v), &l)) {
      json_decref(in);
      json_decref(out);
      return http_fail(r, CAIRN_EINVAL, "every element must be a block id or locator");
    }
    int m = svc_block_missing(a->svc, &who, l.id);
    if (m < 0) { json_decref(in); json_decref(out); return http_fail(r, m, NULL); }
    if (m) json_array_append_new(out, json_string(l.id));   /* the answer lists what the caller lacks */
  }
  json_decref(in);
  return json_respond(r, 200, out);
}

/* ---- GET /v1/blocks?prefix= : streamed index, one subdirectory at a time ---- */

struct index_stream { svc_t *s; struct principal who; char prefix[65]; int sub; sbuf_t lines; size_t pos; int done; };

static int index_line(void *ctx, const char *id, uint64_t size, int64_t mtime) {
  struct index_stream *x = ctx;
  sbuf_printf(&x->lines, "%s+%llu %lld\n", id, (unsigned long long)size, (long long)mtime);
  return 0;
}

static long index_read(void *cls, uint64_t pos, char *buf, size_t max) {
  (void)pos;
  struct index_stream *x = cls;
  static const char hx[] = "0123456789abcdef";
  size_t pl = strlen(x->prefix);
  while (x->pos == x->lines.len) {
    x->lines.len = x->pos = 0;
    if (x->sub == 256) {
      if (x->done) return 0;
      x->done = 1;
      sbuf_addc(&x->lines, '\n');   /* a blank line marks a complete index */
      break;
    }
    char sub[3] = {hx[x->sub >> 4], hx[x->sub & 15], 0};
    x->sub++;
    if (strncmp(sub, x->prefix, pl < 2 ? pl : 2)) continue;
    if (svc_block_index(x->s, &x->who, pl >= 2 ? x->prefix : sub, index_line, x)) return -1;
  }
  size_t n = x->lines.len - x->pos < max ? x->lines.len - x->pos : max;
  memcpy(buf, x->lines.s + x->pos, n);
  x->pos += n;
  return (long)n;
}

static void index_free(void *cls) {
  struct index_stream *x = cls;
  sbuf_free(&x->lines);
  xfree(x);
}

static int index_begin(req_t *r) {
  struct app *a = r->app;
  const char *p = http_query(r, "prefix");
  if (!p) p = "";
  if (strlen(p) > 64 || !hex_is_lower(p, strlen(p)))
    return http_fail(r, CAIRN_EINVAL, "prefix must be lowercase hex");
  struct principal who;
  api_principal(r, &who);
  if (who.kind != PRINCIPAL_ADMIN) return http_fail(r, CAIRN_EAUTH, "the block index needs an admin key");
  struct index_stream *x = xcalloc(1, sizeof *x);
  x->s = a->svc;
  x->who = who;
  x->who.name = "";   /* the stream outlives the request's strings */
  x->who.source_ip = NULL;
  snprintf(x->prefix, sizeof x->prefix, "%s", p);
  return http_respond_stream(r, 200, UINT64_MAX, index_read, x, index_free);
}

const struct handler h_block_put = {put_begin, put_body, put_end};
const struct handler h_block_get = {get_begin, NULL, get_end};
const struct handler h_block_delete = {del_begin, NULL, NULL};
const struct handler h_block_untrash = {untrash_begin, NULL, NULL};
const struct handler h_block_missing = {json_body_begin, json_body_append, missing_end};
const struct handler h_block_index = {index_begin, NULL, NULL};
