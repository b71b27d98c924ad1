/* store.c - block placement, streaming verified writes and verified reads with read repair.
 * Trash, index and fsck live in store_admin.c. */
#include "store.h"
#include "../crypto/hash.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/hex.h"
#include "../util/log.h"
#include "../util/workpool.h"
#include <stdatomic.h>
#include <pthread.h>
#include <string.h>

struct store {
  vol_t *vols[STORE_MAX_VOLUMES];
  uint64_t seed[STORE_MAX_VOLUMES];
  int nvols;
  bufpool_t *pool;
  struct store_opts o;
  atomic_uint_fast64_t puts, put_bytes, dedup_hits, gets, get_bytes, corrupt, quarantined, repaired, trashed,
      trash_emptied;
};

struct store_put {
  store_t *s;
  char id[65];
  int64_t expect;
  uint64_t got;
  hash_ctx_t *h;
  uint8_t *buf;
  size_t fill;
  vol_writer_t *w[STORE_MAX_VOLUMES];
  int wvol[STORE_MAX_VOLUMES];  /* volume index of each writer */
  int nw;
  int borrowed;                 /* buf belongs to the caller */
  int anonymous;                /* id computed from the bytes (dedup check at commit) */
  int hit[STORE_MAX_VOLUMES];   /* volume indexes holding a verified copy already */
  int nhit;
  int err;
};

struct store_get { store_t *s; vol_reader_t *r; };

static uint64_t fnv1a(const char *s) {
  uint64_t h = 1469598103934665603ULL;
  for (; *s; s++) h = (h ^ (uint8_t)*s) * 1099511628211ULL;
  return h;
}

static uint64_t mix64(uint64_t x) {   /* splitmix64 finaliser */
  x ^= x >> 30; x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27; x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

store_t *store_create(vol_t **vols, int nvols, bufpool_t *pool, const struct store_opts *o) {
  store_t *s = xcalloc(1, sizeof *s);
  if (nvols > STORE_MAX_VOLUMES) nvols = STORE_MAX_VOLUMES;
  for (int i = 0; i < nvols; i++) {
    s->vols[i] = vols[i];
    s->seed[i] = fnv1a(vol_uuid(vols[i]));
  }
  s->nvols = nvols;
  s->pool = pool;
  s->o = *o;
  if (s->o.replicas < 1) s->o.replicas = 1;
  return s;
}

void store_destroy(store_t *s) {
  if (!s) return;
  for (int i = 0; i < s->nvols; i++) vol_close(s->vols[i]);
  bufpool_destroy(s->pool);
  xfree(s);
}

const struct store_opts *store_options(const store_t *s) { return &s->o; }
bufpool_t *store_pool(store_t *s) { return s->pool; }
int store_nvols(const store_t *s) { return s->nvols; }
vol_t *store_vol(store_t *s, int i) { return s->vols[i]; }

void store_get_stats(store_t *s, struct store_stats *o) {
  o->puts = s->puts; o->put_bytes = s->put_bytes; o->dedup_hits = s->dedup_hits;
  o->gets = s->gets; o->get_bytes = s->get_bytes; o->corrupt = s->corrupt;
  o->repaired = s->repaired; o->quarantined = s->quarantined; o->trashed = s->trashed; o->trash_emptied = s->trash_emptied;
}

/* Rendezvous (highest random weight) order of the volumes for a block id. */
static void placement(const store_t *s, const char *id, int order[]) {
  uint64_t key = 0, score[STORE_MAX_VOLUMES];
  for (int i = 0; i < 16; i++) key = key << 4 | (uint64_t)(id[i] <= '9' ? id[i] - '0' : id[i] - 'a' + 10);
  for (int i = 0; i < s->nvols; i++) {
    score[i] = mix64(key ^ s->seed[i]);
    int j = i;
    while (j > 0 && score[order[j - 1]] < score[i]) { order[j] = order[j - 1]; j--; }
    order[j] = i;
  }
}

void store_order(const store_t *s, const char *id, int order[STORE_MAX_VOLUMES]) { placement(s, id, order); }

int store_unavailable(store_t *s) {
  for (int i = 0; i < s->nvols; i++) if (!vol_is_down(s->vols[i])) return 0;
  return s->nvols > 0;
}

static int valid_id(const char *id) { return strlen(id) == 64 && hex_is_lower(id, 64); }

int store_verify_reader(vol_reader_t *r, const char *id, uint64_t size, void *buf, size_t bufsize) {
  hash_ctx_t *h = hash_new(HASH_SHA256);
  uint64_t off = 0;
  int rc = 0;
  while (off < size) {
    size_t want = size - off < bufsize ? (size_t)(size - off) : bufsize;
    ssize_t k = vol_read(r, buf, want, off);
    if (k <= 0) { rc = CAIRN_ECORRUPT; break; }   /* short file counts as corrupt */
    hash_update(h, buf, (size_t)k);
    off += (uint64_t)k;
  }
  uint8_t d[32];
  char hex[65];
  hash_final(h, d);
  hash_free(h);
  hex_encode(d, 32, hex);
  if (!rc && memcmp(hex, id, 64)) rc = CAIRN_ECORRUPT;
  return rc;
}

/* Decides whether the existing copy on volume v is good enough to skip writing (verify_dedup). */
static int existing_copy_ok(store_put_t *p, vol_t *v, uint64_t size) {
  switch (p->s->o.verify_dedup) {
  case VERIFY_DEDUP_NEVER: return 1;
  case VERIFY_DEDUP_SIZE: return p->expect >= 0 && size == (uint64_t)p->expect;
  case VERIFY_DEDUP_ALWAYS: break;
  }
  vol_reader_t *r;
  uint64_t sz;
  if (vol_read_open(v, p->id, &r, &sz)) return 0;
  int ok = store_verify_reader(r, p->id, sz, p->buf, bufpool_bufsize(p->s->pool)) == 0;
  vol_read_close(r);
  if (!ok) {
    atomic_fetch_add(&p->s->corrupt, 1);
    LOGW("corrupt copy of %s on %s found on write; replacing it", p->id, vol_path(v));
  }
  return ok;
}

static void put_free(store_put_t *p) {
  for (int i = 0; i < p->nw; i++) vol_write_abort(p->w[i]);
  if (p->buf && !p->borrowed) bufpool_put(p->s->pool, p->buf);
  hash_free(p->h);
  xfree(p);
}

int store_put_begin(store_t *s, const char *id, int64_t expect, store_put_t **out) {
  return store_put_begin_buf(s, id, expect, NULL, out);
}

int store_put_begin_buf(store_t *s, const char *id, int64_t expect, void *buf, store_put_t **out) {
  if (id && !valid_id(id)) return CAIRN_EINVAL;
  if (expect > (int64_t)s->o.max_block) return CAIRN_ETOOBIG;
  int order[STORE_MAX_VOLUMES], targets[STORE_MAX_VOLUMES], nt = 0;
  char spread[65];
  if (!id) {   /* id unknown until the end: spread anonymous writes over the volumes */
    uint8_t r[32];
    crypto_random(r, sizeof r);
    hex_encode(r, sizeof r, spread);
  }
  placement(s, id ? id : spread, order);
  for (int i = 0; i < s->nvols && nt < s->o.replicas; i++)
    if (!vol_is_read_only(s->vols[order[i]])) targets[nt++] = order[i];
  if (!nt) return CAIRN_EROFS;

  store_put_t *p = xcalloc(1, sizeof *p);
  p->s = s;
  if (id) memcpy(p->id, id, 65);
  p->expect = expect;
  int rc = 0;
  if (buf) { p->buf = buf; p->borrowed = 1; }
  else if ((rc = bufpool_get(s->pool, s->o.buffer_wait_ms, (void **)&p->buf))) { p->buf = NULL; goto fail; }
  for (int i = 0; i < nt; i++) {
    vol_t *v = s->vols[targets[i]];
    uint64_t sz;
    if (id && !vol_stat(v, id, &sz, NULL) && existing_copy_ok(p, v, sz)) {
      p->hit[p->nhit++] = targets[i];
      continue;
    }
    p->wvol[p->nw] = targets[i];
    if ((rc = vol_write_open(v, id, &p->w[p->nw]))) {
      LOGW("cannot write %s on %s: %s", id ? id : "a block", vol_path(v), cairn_strerror(rc));
      continue;
    }
    p->nw++;
  }
  if (!p->nw && !p->nhit) { if (!rc) rc = CAIRN_EIO; goto fail; }
  if (!p->nw && !p->borrowed) { bufpool_put(s->pool, p->buf); p->buf = NULL; }   /* dedup: hash only */
  p->h = hash_new(HASH_SHA256);
  *out = p;
  return 0;
fail:
  put_free(p);
  return rc;
}

/* Writes the buffered bytes to every writer; a failing writer is dropped. */
static int flush(store_put_t *p) {
  if (!p->fill) return 0;
  for (int i = 0; i < p->nw;) {
    int rc = vol_write(p->w[i], p->buf, p->fill);
    if (!rc) { i++; continue; }
    LOGW("write of %s failed: %s", p->id, cairn_strerror(rc));
    vol_write_abort(p->w[i]);
    p->nw--;
    p->w[i] = p->w[p->nw];
    p->wvol[i] = p->wvol[p->nw];
    if (!p->nw && !p->nhit) return rc;
  }
  p->fill = 0;
  return 0;
}

int store_put_write(store_put_t *p, const void *data, size_t n) {
  if (p->err) return p->err;
  p->got += n;
  if (p->got > p->s->o.max_block) return p->err = CAIRN_ETOOBIG;
  if (p->expect >= 0 && p->got > (uint64_t)p->expect) return p->err = CAIRN_ESIZE;
  hash_update(p->h, data, n);
  if (!p->nw) return 0;
  size_t cap = bufpool_bufsize(p->s->pool);
  const uint8_t *d = data;
  while (n) {
    size_t k = cap - p->fill < n ? cap - p->fill : n;
    memcpy(p->buf + p->fill, d, k);
    p->fill += k;
    d += k;
    n -= k;
    if (p->fill == cap && (p->err = flush(p))) return p->err;
  }
  return 0;
}

/* The part of finishing that needs the caller's buffer: the id, and the last bytes written. */
static int finish_prepare(store_put_t *p) {
  int rc = p->err, anonymous = !p->id[0];
  if (!rc && p->expect >= 0 && p->got != (uint64_t)p->expect) rc = CAIRN_ESIZE;
  if (!rc) {
    uint8_t d[32];
    char hex[65];
    hash_final(p->h, d);
    hex_encode(d, 32, hex);
    if (anonymous) memcpy(p->id, hex, 65);
    else if (memcmp(hex, p->id, 64)) rc = CAIRN_EHASH;
  }
  if (!rc) rc = flush(p);
  p->anonymous = anonymous;
  return rc;
}

/* Dedup check, fsync + rename on every volume, counters; frees p. */
static int finish_commit(store_put_t *p, int *replicas) {
  store_t *s = p->s;
  int ok = 0, err = CAIRN_EIO;
  p->expect = (int64_t)p->got;   /* lets existing_copy_ok judge a found copy by its size */
  for (int i = 0; i < p->nw; i++) {
    vol_t *v = s->vols[p->wvol[i]];
    uint64_t sz;
    if (p->anonymous && !vol_stat(v, p->id, &sz, NULL) && existing_copy_ok(p, v, sz)) {
      vol_write_abort(p->w[i]);   /* dedup: the same bytes are there already, skip the fsync */
      p->hit[p->nhit++] = p->wvol[i];
      continue;
    }
    int e = vol_write_commit_as(p->w[i], p->id);
    if (e) { LOGW("commit of %s failed: %s", p->id, cairn_strerror(e)); if (e == CAIRN_EUNAVAIL) err = e; }
    else ok++;
  }
  p->nw = 0;   /* committed or freed */
  for (int i = 0; i < p->nhit; i++)
    if (!vol_touch(s->vols[p->hit[i]], p->id)) ok++;
  atomic_fetch_add(&s->puts, 1);
  if (p->nhit) atomic_fetch_add(&s->dedup_hits, 1);
  atomic_fetch_add(&s->put_bytes, p->got);
  if (replicas) *replicas = ok;
  put_free(p);
  return ok ? 0 : err;   /* a store that cannot be reached: 503, retry */
}

int store_put_finish(store_put_t *p, int *replicas, uint64_t *size, char *id_out) {
  int rc = finish_prepare(p);
  if (rc) { put_free(p); return rc; }
  *size = p->got;
  if (id_out) memcpy(id_out, p->id, 65);
  return finish_commit(p, replicas);
}

/* ---- background commits: the fsyncs of one stream's blocks overlap its hashing ---- */

#define COMMIT_THREADS 4
#define GROUP_INFLIGHT 4   /* blocks of one stream waiting for their fsync, at most */

static struct workpool committers = WORKPOOL_INIT(COMMIT_THREADS);

struct commit_job { store_put_t *p; struct store_group *g; };

static void commit_job(void *arg) {
  struct commit_job *j = arg;
  store_put_t *p = j->p;
  void *scratch = NULL;   /* verify_dedup=always reads the existing copy through a buffer */
  if (p->s->o.verify_dedup == VERIFY_DEDUP_ALWAYS) { scratch = xmalloc(bufpool_bufsize(p->s->pool)); p->buf = scratch; p->borrowed = 1; }
  int rc = finish_commit(p, NULL);
  xfree(scratch);
  struct store_group *g = j->g;
  pthread_mutex_lock(&g->mu);
  if (rc && !g->err) g->err = rc;
  g->pending--;
  pthread_cond_broadcast(&g->cv);
  pthread_mutex_unlock(&g->mu);
  xfree(j);
}

void store_group_init(struct store_group *g) {
  memset(g, 0, sizeof *g);
  pthread_mutex_init(&g->mu, NULL);
  pthread_cond_init(&g->cv, NULL);
}

int store_group_wait(struct store_group *g) {
  pthread_mutex_lock(&g->mu);
  while (g->pending) pthread_cond_wait(&g->cv, &g->mu);
  int rc = g->err;
  pthread_mutex_unlock(&g->mu);
  return rc;
}

void store_group_destroy(struct store_group *g) {
  store_group_wait(g);
  pthread_mutex_destroy(&g->mu);
  pthread_cond_destroy(&g->cv);
}

int store_put_finish_async(store_put_t *p, struct store_group *g, uint64_t *size, char *id_out) {
  int rc = finish_prepare(p);
  if (rc) { put_free(p); return rc; }
  *size = p->got;
  memcpy(id_out, p->id, 65);
  if (p->buf && !p->borrowed) bufpool_put(p->s->pool, p->buf);
  p->buf = NULL;   /* the caller's buffer is free again: everything is in the temp files */
  p->borrowed = 0;
  pthread_mutex_lock(&g->mu);
  while (g->pending >= GROUP_INFLIGHT) pthread_cond_wait(&g->cv, &g->mu);
  rc = g->err;
  if (!rc) g->pending++;
  pthread_mutex_unlock(&g->mu);
  if (rc) { put_free(p); return rc; }
  struct commit_job *j = xmalloc(sizeof *j);
  *j = (struct commit_job){p, g};
  workpool_submit(&committers, commit_job, j);
  return 0;
}

void store_put_abort(store_put_t *p) { if (p) put_free(p); }

/* Copies a verified block from `good` onto volume v, replacing a corrupt copy. */
static int repair(store_t *s, vol_t *v, const char *id, vol_reader_t *good, uint64_t size, void *buf) {
  vol_writer_t *w;
  int rc = vol_write_open(v, id, &w);
  if (rc) return rc;
  size_t cap = bufpool_bufsize(s->pool);
  for (uint64_t off = 0; off < size && !rc;) {
    ssize_t k = vol_read(good, buf, size - off < cap ? (size_t)(size - off) : cap, off);
    if (k <= 0) { rc = CAIRN_EIO; break; }
    rc = vol_write(w, buf, (size_t)k);
    off += (uint64_t)k;
  }
  if (rc) { vol_write_abort(w); return rc; }
  return vol_write_commit(w);
}

int store_get_open(store_t *s, const char *id, store_get_t **out, uint64_t *size) {
  return store_get_open_buf(s, id, NULL, out, size);
}

int store_get_open_buf(store_t *s, const char *id, void *lent, store_get_t **out, uint64_t *size) {
  if (!valid_id(id)) return CAIRN_EINVAL;
  int order[STORE_MAX_VOLUMES], bad[STORE_MAX_VOLUMES], nbad = 0, rc = CAIRN_ENOENT, unavail = 0;
  void *buf = lent;
  vol_reader_t *r = NULL;
  uint64_t sz = 0;
  placement(s, id, order);
  for (int i = 0; i < s->nvols; i++) {
    vol_t *v = s->vols[order[i]];
    int e = vol_read_open(v, id, &r, &sz);
    if (e) { r = NULL; unavail |= e == CAIRN_EUNAVAIL; continue; }
    if (s->o.verify_reads == VERIFY_READS_NEVER) break;
    if (!buf && (rc = bufpool_get(s->pool, s->o.buffer_wait_ms, &buf))) { buf = NULL; goto out; }
    if (!store_verify_reader(r, id, sz, buf, bufpool_bufsize(s->pool))) break;
    vol_read_close(r);
    r = NULL;
    atomic_fetch_add(&s->corrupt, 1);
    int q = vol_quarantine(v, id);
    if (!q) atomic_fetch_add(&s->quarantined, 1);
    LOGE("block %s on %s is corrupt; %s", id, vol_path(v), q ? "could not quarantine it" : "quarantined");
    bad[nbad++] = order[i];
  }
  if (!r) { rc = nbad ? CAIRN_ECORRUPT : unavail ? CAIRN_EUNAVAIL : CAIRN_ENOENT; goto out; }   /* down is not gone */
  for (int i = 0; i < nbad; i++) {   /* read repair */
    vol_t *v = s->vols[bad[i]];
    if (vol_is_read_only(v)) continue;
    int e = repair(s, v, id, r, sz, buf);
    if (!e) atomic_fetch_add(&s->repaired, 1);
    LOGW("read repair of %s on %s: %s", id, vol_path(v), e ? cairn_strerror(e) : "done");
  }
  store_get_t *g = xmalloc(sizeof *g);
  g->s = s;
  g->r = r;
  *out = g;
  *size = sz;
  atomic_fetch_add(&s->gets, 1);
  atomic_fetch_add(&s->get_bytes, sz);
  rc = 0;
out:
  if (buf && buf != lent) bufpool_put(s->pool, buf);
  return rc;
}

int store_get_fd(store_get_t *g) { return vol_reader_fd(g->r); }

ssize_t store_get_read(store_get_t *g, void *buf, size_t n, uint64_t off) {
  return vol_read(g->r, buf, n, off);
}

void store_get_close(store_get_t *g) {
  if (!g) return;
  vol_read_close(g->r);
  xfree(g);
}

int store_has(store_t *s, const char *id, uint64_t *size) {
  if (!valid_id(id)) return CAIRN_EINVAL;
  for (int i = 0; i < s->nvols; i++)
    if (!vol_stat(s->vols[i], id, size, NULL)) return 0;
  return CAIRN_ENOENT;
}

int store_locate(store_t *s, const char *id, vol_t **out, int max, uint64_t *size) {
  if (!valid_id(id)) return 0;
  int order[STORE_MAX_VOLUMES], n = 0;
  placement(s, id, order);
  for (int i = 0; i < s->nvols && n < max; i++)
    if (!vol_stat(s->vols[order[i]], id, size, NULL)) out[n++] = s->vols[order[i]];
  return n;
}

void store_count_trash(store_t *s, uint64_t trashed, uint64_t emptied) {
  atomic_fetch_add(&s->trashed, trashed);
  atomic_fetch_add(&s->trash_emptied, emptied);
}
