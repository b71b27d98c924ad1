/* blocks.c - block store operations for the /v1/blocks API, with their authorization and the
 * block claims that keep "missing?" from becoming an oracle (blocks.h). */
#include "blocks.h"
#include "svc_internal.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/sbuf.h"
#include <string.h>
#include <time.h>

struct svc_block_put {
  svc_t *s;
  store_put_t *put;
  char id[65];
  char owner[65];   /* "" for admins: no claim needed */
};

int svc_block_put_begin(svc_t *s, const struct principal *p, const char *id, int64_t expect, svc_block_put_t **out) {
  if (p->kind == PRINCIPAL_ANONYMOUS) return CAIRN_EAUTH;
  if (expect > (int64_t)s->cfg->max_block) return CAIRN_ETOOBIG;
  const char *why;
  int rc0 = space_writes_ok(s->space, &why);
  if (rc0) return rc0;
  store_put_t *put;
  int rc = store_put_begin(s->store, id, expect, &put);
  if (rc) return rc;
  svc_block_put_t *w = xcalloc(1, sizeof *w);
  w->s = s;
  w->put = put;
  snprintf(w->id, sizeof w->id, "%s", id);
  snprintf(w->owner, sizeof w->owner, "%s", p->kind == PRINCIPAL_USER && p->name ? p->name : "");
  *out = w;
  return 0;
}

int svc_block_put_write(svc_block_put_t *w, const void *data, size_t n) { return store_put_write(w->put, data, n); }

void svc_block_put_abort(svc_block_put_t *w) {
  if (!w) return;
  if (w->put) store_put_abort(w->put);
  xfree(w);
}

void svc_block_sign(svc_t *s, const char *id, uint64_t size, char loc[LOCATOR_MAX + 1]) {
  uint64_t expiry = (uint64_t)time(NULL) + (uint64_t)(s->cfg->signature_ttl_ms / 1000);
  locator_sign(s->keys.blob_sign, id, size, expiry, loc);
}

int svc_block_put_finish(svc_block_put_t *w, int *replicas, char loc[LOCATOR_MAX + 1]) {
  uint64_t size;
  int rc = store_put_finish(w->put, replicas, &size, NULL);
  w->put = NULL;
  if (!rc && *w->owner) rc = meta_block_claim(w->s->meta, w->owner, w->id);   /* after the bytes are durable */
  if (!rc) svc_block_sign(w->s, w->id, size, loc);
  xfree(w);
  return rc;
}

int svc_block_read_check(svc_t *s, const struct principal *p, const struct locator *l) {
  if (l->is_signed) return locator_verify(s->keys.blob_sign, l, time(NULL));
  return p->kind == PRINCIPAL_ADMIN ? 0 : CAIRN_EAUTH;
}

int svc_block_locate(svc_t *s, const char *id, uint64_t *size, char **volumes) {
  vol_t *where[STORE_MAX_VOLUMES];
  int n = store_locate(s->store, id, where, STORE_MAX_VOLUMES, size);
  if (!n) return CAIRN_ENOENT;
  sbuf_t v = {0};
  for (int i = 0; i < n; i++) sbuf_printf(&v, "%s%s", i ? "," : "", vol_uuid(where[i]));
  *volumes = xstrdup(v.s);
  sbuf_free(&v);
  return 0;
}

int svc_store_unavailable(svc_t *s) { return store_unavailable(s->store); }

int svc_block_url(svc_t *s, const char *id, char **url) {
  if (!s->cfg->direct_reads) return CAIRN_ENOTIMPL;
  vol_t *where[STORE_MAX_VOLUMES];
  uint64_t size;
  int n = store_locate(s->store, id, where, STORE_MAX_VOLUMES, &size);
  if (!n) return CAIRN_ENOENT;
  for (int i = 0; i < n; i++)
    if (!vol_url(where[i], id, DIRECT_READ_TTL_S, url)) { metrics_direct_read(&s->metrics, size); return 0; }
  return CAIRN_ENOTIMPL;
}

int svc_block_open(svc_t *s, const char *id, svc_block_reader_t **out, uint64_t *size) {
  return store_get_open(s->store, id, out, size);
}
int svc_block_fd(svc_block_reader_t *g) { return store_get_fd(g); }
ssize_t svc_block_read(svc_block_reader_t *g, void *buf, size_t n, uint64_t off) { return store_get_read(g, buf, n, off); }
void svc_block_close(svc_block_reader_t *g) { store_get_close(g); }

int svc_block_missing(svc_t *s, const struct principal *p, const char *id) {
  if (p->kind == PRINCIPAL_ANONYMOUS) return CAIRN_EAUTH;
  if (p->kind == PRINCIPAL_USER) {
    int c = meta_block_claimed(s->meta, p->name, id);
    if (c <= 0) return c < 0 ? c : 1;   /* never claimed: missing, whether or not it is stored */
  }
  return store_has(s->store, id, NULL) ? 1 : 0;
}

int svc_block_trash(svc_t *s, const struct principal *p, const char *id) {
  return p->kind == PRINCIPAL_ADMIN ? store_trash(s->store, id) : CAIRN_EAUTH;
}

int svc_block_untrash(svc_t *s, const struct principal *p, const char *id) {
  return p->kind == PRINCIPAL_ADMIN ? store_untrash(s->store, id) : CAIRN_EAUTH;
}

struct index_ctx { svc_block_index_cb cb; void *ctx; };
static int index_one(void *ctx, const struct vol_entry *e) {
  struct index_ctx *x = ctx;
  return x->cb(x->ctx, e->id, e->size, e->mtime);
}

int svc_block_index(svc_t *s, const struct principal *p, const char *prefix, svc_block_index_cb cb, void *ctx) {
  if (p->kind != PRINCIPAL_ADMIN) return CAIRN_EAUTH;
  struct index_ctx x = {cb, ctx};
  return store_index(s->store, prefix, index_one, &x);
}
