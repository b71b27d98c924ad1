/* store_balance.c - replication and rebalancing (keep-balance, built in): every volume's index is
 * read, each block's copies compared with where rendezvous hashing wants its `replicas` copies
 * (the first writable volumes of its order), a missing copy made from a verified read of an
 * existing one, and only when every wanted volume holds a copy are the others trashed: each only
 * if its mtime is still what the index saw (keepstore's rule: a copy touched meanwhile, e.g. by a
 * dedup hit, survives). Memory: one index entry per copy (about 90 bytes) and one buffer. */
#include "store.h"
#include "../crypto/hash.h"
#include "../util/alloc.h"
#include "../util/hex.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/timeutil.h"
#include <stdlib.h>
#include <string.h>

#define COPY_BUF (1 << 20)

struct copy_entry { char id[65]; uint64_t size; int64_t mtime; int vol; };
struct index { struct copy_entry *v; size_t n, cap; int vol; };

static int add_entry(void *ctx, const struct vol_entry *e) {
  struct index *x = ctx;
  if (x->n == x->cap) { x->cap = x->cap ? x->cap * 2 : 4096; x->v = xrealloc(x->v, x->cap * sizeof *x->v); }
  struct copy_entry *c = &x->v[x->n++];
  memcpy(c->id, e->id, 65);
  c->size = e->size;
  c->mtime = e->mtime;
  c->vol = x->vol;
  return 0;
}

static int by_id(const void *a, const void *b) {
  const struct copy_entry *x = a, *y = b;
  int c = strcmp(x->id, y->id);
  return c ? c : x->vol - y->vol;
}

/* A copy of id on volume v, from a read of the copy the store finds first, hashed as it is copied
 * (whatever verify_reads says): a copy that does not hash to id is never committed. */
static int copy_to(store_t *s, const char *id, vol_t *v, char *buf) {
  store_get_t *g;
  uint64_t size;
  int rc = store_get_open(s, id, &g, &size);
  if (rc) return rc;
  vol_writer_t *w;
  if ((rc = vol_write_open(v, id, &w))) { store_get_close(g); return rc; }
  hash_ctx_t *h = hash_new(HASH_SHA256);
  for (uint64_t off = 0; !rc && off < size;) {
    ssize_t k = store_get_read(g, buf, COPY_BUF, off);
    if (k <= 0) rc = k < 0 ? (int)k : CAIRN_EIO;
    else { hash_update(h, buf, (size_t)k); rc = vol_write(w, buf, (size_t)k); off += (uint64_t)k; }
  }
  store_get_close(g);
  uint8_t d[32];
  char hex[65];
  hash_final(h, d);
  hash_free(h);
  hex_encode(d, 32, hex);
  if (!rc && strcmp(hex, id)) rc = CAIRN_ECORRUPT;
  if (rc) { vol_write_abort(w); return rc; }
  if ((rc = vol_write_commit(w))) return rc;
  uint64_t got;
  return vol_stat(v, id, &got, NULL) || got != size ? CAIRN_EIO : 0;   /* the new copy is there, whole */
}

/* One block: its copies are c[0..n). */
static void balance_block(store_t *s, const struct copy_entry *c, size_t n, char *buf, struct balance_report *rep) {
  int nv = store_nvols(s), order[STORE_MAX_VOLUMES], want[STORE_MAX_VOLUMES] = {0}, have[STORE_MAX_VOLUMES] = {0};
  int replicas = store_options(s)->replicas, nwant = 0;
  store_order(s, c[0].id, order);
  for (int i = 0; i < nv && nwant < replicas; i++)
    if (!vol_is_read_only(store_vol(s, order[i]))) { want[order[i]] = 1; nwant++; }
  for (size_t k = 0; k < n; k++) have[c[k].vol] = 1;
  rep->blocks++;
  rep->copies += n;
  int complete = 1;
  for (int i = 0; i < nv; i++) {
    if (!want[i] || have[i]) continue;
    int rc = copy_to(s, c[0].id, store_vol(s, i), buf);
    if (rc) {
      LOGW("balance: cannot copy %s to %s: %s", c[0].id, vol_path(store_vol(s, i)), cairn_strerror(rc));
      rep->failed++;
      complete = 0;
    } else {
      rep->copied++;
      rep->copied_bytes += c[0].size;
    }
  }
  if (!complete || nwant < replicas) { if (nwant < replicas) rep->underplaced++; return; }
  int64_t deadline = time_now_ms() / 1000 + store_options(s)->trash_lifetime_s;
  for (size_t k = 0; k < n; k++) {
    vol_t *v = store_vol(s, c[k].vol);
    if (want[c[k].vol] || vol_is_read_only(v)) continue;
    int64_t mtime;
    uint64_t size;
    if (vol_stat(v, c[k].id, &size, &mtime) || mtime != c[k].mtime) { rep->kept_changed++; continue; }
    if (vol_trash(v, c[k].id, deadline)) rep->failed++;
    else { rep->trashed++; store_count_trash(s, 1, 0); }
  }
}

int store_balance(store_t *s, balance_progress_fn progress, void *ctx, struct balance_report *rep) {
  memset(rep, 0, sizeof *rep);
  double t0 = time_mono_sec();
  struct index x = {0};
  int rc = 0;
  for (int i = 0; i < store_nvols(s) && !rc; i++) {
    x.vol = i;
    rc = vol_list(store_vol(s, i), "", add_entry, &x);
  }
  if (rc) { xfree(x.v); return rc; }
  if (x.n > 1) qsort(x.v, x.n, sizeof *x.v, by_id);
  char *buf = xmalloc(COPY_BUF);
  size_t blocks = 0;
  for (size_t i = 0; i < x.n;) {
    size_t j = i + 1;
    while (j < x.n && !strcmp(x.v[j].id, x.v[i].id)) j++;
    balance_block(s, &x.v[i], j - i, buf, rep);
    i = j;
    if (progress && ++blocks % 256 == 0 && progress(ctx, i, x.n)) break;   /* asked to stop */
  }
  xfree(buf);
  xfree(x.v);
  rep->seconds = time_mono_sec() - t0;
  LOGI("balance: %llu blocks, %llu copies; %llu copied (%llu bytes), %llu trashed, %llu kept (changed since listed),"
       " %llu with fewer volumes than replicas, %llu failures, %.3f s",
       (unsigned long long)rep->blocks, (unsigned long long)rep->copies, (unsigned long long)rep->copied,
       (unsigned long long)rep->copied_bytes, (unsigned long long)rep->trashed, (unsigned long long)rep->kept_changed,
       (unsigned long long)rep->underplaced, (unsigned long long)rep->failed, rep->seconds);
  return 0;
}
