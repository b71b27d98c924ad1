/* store_admin.c - block store administration: trash and untrash, emptying expired trash, the
 * merged block index across volumes, and fsck of a volume. */
#include "store.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/hex.h"
#include "../util/log.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

int store_trash(store_t *s, const char *id) {
  const struct store_opts *o = store_options(s);
  int64_t deadline = (int64_t)time(NULL) + o->trash_lifetime_s;
  int n = 0, rc = CAIRN_ENOENT;
  for (int i = 0; i < store_nvols(s); i++) {
    vol_t *v = store_vol(s, i);
    if (vol_stat(v, id, NULL, NULL)) continue;
    int e = vol_trash(v, id, deadline);
    if (!e) n++; else rc = e;
  }
  store_count_trash(s, (uint64_t)n, 0);
  return n ? 0 : rc;
}

int store_untrash(store_t *s, const char *id) {
  int n = 0, rc = CAIRN_ENOENT;
  for (int i = 0; i < store_nvols(s); i++) {
    int e = vol_untrash(store_vol(s, i), id);
    if (!e) n++; else if (e != CAIRN_ENOENT) rc = e;
  }
  return n ? 0 : rc;
}

int store_empty_trash(store_t *s, int *deleted) {
  *deleted = 0;
  int64_t now = (int64_t)time(NULL);
  for (int i = 0; i < store_nvols(s); i++) {
    int d = 0;
    vol_empty_trash(store_vol(s, i), now, &d);
    *deleted += d;
  }
  store_count_trash(s, 0, (uint64_t)*deleted);
  return 0;
}

struct collect { struct vol_entry *v; size_t n, cap; };

static int collect_cb(void *ctx, const struct vol_entry *e) {
  struct collect *c = ctx;
  if (c->n == c->cap) {
    c->cap = c->cap ? c->cap * 2 : 256;
    c->v = xrealloc(c->v, c->cap * sizeof *c->v);
  }
  c->v[c->n++] = *e;
  return 0;
}

static int entry_cmp(const void *a, const void *b) {
  return strcmp(((const struct vol_entry *)a)->id, ((const struct vol_entry *)b)->id);
}

/* Walks one 2-hex-digit directory at a time so memory stays at 1/256 of the index. */
int store_index(store_t *s, const char *prefix, store_index_cb cb, void *ctx) {
  size_t pl = strlen(prefix);
  if (pl > 64 || !hex_is_lower(prefix, pl)) return CAIRN_EINVAL;
  /* one volume that lists in order (S3): its paged listing is the index, with no memory and one
   * request per page rather than one per 2-digit prefix */
  if (store_nvols(s) == 1 && vol_lists_sorted(store_vol(s, 0))) return vol_list(store_vol(s, 0), prefix, cb, ctx);
  static const char hx[] = "0123456789abcdef";
  int rc = 0;
  for (int i = 0; i < 256 && !rc; i++) {
    char sub[65];
    sub[0] = hx[i >> 4];
    sub[1] = hx[i & 15];
    sub[2] = 0;
    if (strncmp(sub, prefix, pl < 2 ? pl : 2)) continue;
    const char *walk = pl >= 2 ? prefix : sub;
    struct collect c = {0};
    for (int v = 0; v < store_nvols(s); v++) vol_list(store_vol(s, v), walk, collect_cb, &c);
    if (c.n > 1) qsort(c.v, c.n, sizeof *c.v, entry_cmp);
    for (size_t k = 0; k < c.n && !rc; k++) {
      if (k + 1 < c.n && !strcmp(c.v[k].id, c.v[k + 1].id)) {   /* replicas: keep newest mtime */
        if (c.v[k].mtime > c.v[k + 1].mtime) c.v[k + 1].mtime = c.v[k].mtime;
        continue;
      }
      rc = cb(ctx, &c.v[k]);
    }
    xfree(c.v);
  }
  return rc;
}

struct fsck_ctx { vol_t *v; fsck_corrupt_cb cb; void *ctx; struct fsck_report *rep; void *buf; };

#define FSCK_BUF (1 << 20)

static int fsck_one(void *ctxp, const struct vol_entry *e) {
  struct fsck_ctx *f = ctxp;
  vol_reader_t *r;
  uint64_t size;
  f->rep->blocks++;
  if (vol_read_open(f->v, e->id, &r, &size)) return 0;   /* vanished meanwhile */
  f->rep->bytes += size;
  int bad = store_verify_reader(r, e->id, size, f->buf, FSCK_BUF);
  vol_read_close(r);
  if (bad) {
    f->rep->corrupt++;
    int q = vol_quarantine(f->v, e->id);
    LOGE("fsck: block %s on %s is corrupt; %s", e->id, vol_path(f->v), q ? "not quarantined" : "quarantined");
    if (f->cb) f->cb(f->ctx, e->id);
  }
  return 0;
}

int store_fsck_volume(vol_t *v, fsck_corrupt_cb cb, void *ctx, struct fsck_report *rep) {
  memset(rep, 0, sizeof *rep);
  struct fsck_ctx f = {v, cb, ctx, rep, xmalloc(FSCK_BUF)};
  int rc = vol_list(v, "", fsck_one, &f);
  xfree(f.buf);
  return rc;
}
