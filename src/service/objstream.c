/* objstream.c - chunked object streams over the block store (objstream.h): the body's MD5 (and
 * SHA-256) on a helper thread when the pool has room (crypto/hash_thread.h); encrypted (sealed)
 * streams gather each chunk in a second pool buffer, seal it whole (crypto/chunk_cipher.h) and
 * store the sealed bytes; their readers open a chunk whole before giving out any of it. */
#include "objstream.h"
#include "../crypto/chunk_cipher.h"
#include "../crypto/hash.h"
#include "../crypto/hash_thread.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/hex.h"
#include "../util/workpool.h"
#include <pthread.h>
#include <string.h>

struct obj_writer {
  store_t *s;
  void *buf;            /* one pool buffer, lent to each chunk's put in turn */
  cdc_t cdc;
  store_put_t *cur;     /* the chunk being written */
  hash_ctx_t *md5, *sha;
  struct manifest m;
  struct store_group g;   /* the chunks' fsyncs run behind the stream */
  uint8_t root[32];       /* sealed streams: the root key ... */
  uint8_t *plain;         /* ... and a second pool buffer gathering the chunk (NULL: not sealed) */
  size_t have;
  hash_thread_t *ht;      /* MD5 (and SHA-256) on a helper thread, when a spare pool buffer was free */
  void *ht_buf;
};

int obj_writer_begin(store_t *s, const struct cdc_params *p, int want_sha256, const uint8_t *root, obj_writer_t **out) {
  static const struct cdc_params sealed = {OBJ_SEALED_MIN, OBJ_SEALED_AVG, OBJ_SEALED_MAX};
  if (root && bufpool_bufsize(store_pool(s)) < OBJ_SEALED_MAX + CC_TAG) return CAIRN_EINVAL;
  obj_writer_t *w = xcalloc(1, sizeof *w);
  int rc = cdc_init(&w->cdc, root ? &sealed : p);   /* a sealed chunk fits one buffer */
  if (!rc) rc = bufpool_get(store_pool(s), store_options(s)->buffer_wait_ms, &w->buf);
  if (!rc && root && (rc = bufpool_get(store_pool(s), store_options(s)->buffer_wait_ms, (void **)&w->plain)))
    bufpool_put(store_pool(s), w->buf);
  if (rc) { xfree(w); return rc; }
  if (root) memcpy(w->root, root, 32);
  /* the whole body's digests off this thread when the pool is mostly free (never waited for: under
   * load the buffers go to transfers, and the digests are computed in line) */
  struct bufpool_stats bp;
  bufpool_stats(store_pool(s), &bp);
  if (bp.in_use * 2 < bp.count && !bufpool_get(store_pool(s), 0, &w->ht_buf) &&
      hash_thread_start(w->ht_buf, bufpool_bufsize(store_pool(s)), want_sha256, &w->ht)) {
    bufpool_put(store_pool(s), w->ht_buf);
    w->ht_buf = NULL;
    w->ht = NULL;
  }
  w->s = s;
  store_group_init(&w->g);
  w->md5 = hash_new(HASH_MD5);
  w->sha = want_sha256 ? hash_new(HASH_SHA256) : NULL;
  manifest_init(&w->m);
  *out = w;
  return 0;
}

static int end_chunk(obj_writer_t *w) {
  uint64_t size;
  char id[65];
  int rc = store_put_finish_async(w->cur, &w->g, &size, id);
  w->cur = NULL;
  return rc ? rc : manifest_add(&w->m, id, size);
}

/* A sealed stream's gathered chunk: sealed in place, stored, its key wrapped into the manifest. */
static int end_sealed(obj_writer_t *w) {
  uint8_t key[32];
  uint64_t size, n = w->have;
  char id[65], wkey[65];
  int rc = cc_seal(w->root, w->plain, n, key);
  if (!rc) rc = store_put_begin_buf(w->s, NULL, (int64_t)(n + CC_TAG), w->buf, &w->cur);
  if (rc) { w->cur = NULL; return rc; }
  if ((rc = store_put_write(w->cur, w->plain, n + CC_TAG))) return rc;
  rc = store_put_finish_async(w->cur, &w->g, &size, id);
  w->cur = NULL;
  w->have = 0;
  if (rc) return rc;
  cc_wrap(w->root, id, key, wkey);
  return manifest_add_sealed(&w->m, id, n, wkey);
}

static int write_sealed(obj_writer_t *w, const uint8_t *d, size_t n) {
  while (n) {
    int cut, rc;
    size_t k = cdc_scan(&w->cdc, d, n, &cut);
    memcpy(w->plain + w->have, d, k);   /* the chunker cuts at OBJ_SEALED_MAX at the latest */
    w->have += k;
    if (cut && (rc = end_sealed(w))) return rc;
    d += k;
    n -= k;
  }
  return 0;
}

int obj_writer_write(obj_writer_t *w, const void *data, size_t n) {
  const uint8_t *d = data;
  if (w->ht) hash_thread_feed(w->ht, d, n);
  else {
    hash_update(w->md5, d, n);
    if (w->sha) hash_update(w->sha, d, n);
  }
  if (w->plain) return write_sealed(w, d, n);
  while (n) {
    int cut, rc;
    if (!w->cur && (rc = store_put_begin_buf(w->s, NULL, -1, w->buf, &w->cur))) { w->cur = NULL; return rc; }
    size_t k = cdc_scan(&w->cdc, d, n, &cut);
    if ((rc = store_put_write(w->cur, d, k))) return rc;
    if (cut && (rc = end_chunk(w))) return rc;
    d += k;
    n -= k;
  }
  return 0;
}

static void writer_free(obj_writer_t *w) {
  hash_thread_abort(w->ht);
  if (w->ht_buf) bufpool_put(store_pool(w->s), w->ht_buf);
  if (w->cur) store_put_abort(w->cur);
  store_group_destroy(&w->g);   /* blocks still committing become garbage for gc on an abort */
  if (w->buf) bufpool_put(store_pool(w->s), w->buf);
  if (w->plain) { memset(w->plain, 0, w->have); bufpool_put(store_pool(w->s), w->plain); }
  hash_free(w->md5);
  hash_free(w->sha);
  manifest_free(&w->m);
  xfree(w);
}

int obj_writer_finish(obj_writer_t *w, struct manifest *m, char md5_hex[33], char sha256_hex[65]) {
  int rc = w->plain ? (w->have ? end_sealed(w) : 0) : w->cur ? end_chunk(w) : 0;
  if (!rc) rc = store_group_wait(&w->g);   /* every block durable before the object commits */
  if (!rc) {
    uint8_t d[32], sd[32];
    if (w->ht) {
      hash_thread_finish(w->ht, d, sd);
      w->ht = NULL;
    } else {
      hash_final(w->md5, d);
      if (w->sha) hash_final(w->sha, sd);
    }
    hex_encode(d, 16, md5_hex);
    if (w->sha) hex_encode(sd, 32, sha256_hex);
    else sha256_hex[0] = 0;
    *m = w->m;
    manifest_init(&w->m);
  }
  writer_free(w);
  return rc;
}

void obj_writer_abort(obj_writer_t *w) { if (w) writer_free(w); }

/* Read-ahead: the next blocks (up to READ_AHEAD, as spare pool buffers allow) are opened and
 * verified on workers, in parallel, while this one streams: verifying, not sending, is what takes
 * the time, and one block at a time kept it to one core. */
#define READ_AHEAD 3
struct prefetch {
  store_t *s;
  size_t idx;            /* the block it reads */
  char id[65];
  void *buf;             /* its own pool buffer */
  store_get_t *g;
  uint64_t size;
  int rc, done;
  pthread_mutex_t mu;
  pthread_cond_t cv;
};

static struct workpool verifiers = WORKPOOL_INIT(4);

static void prefetch_job(void *arg) {
  struct prefetch *f = arg;
  store_get_t *g = NULL;
  uint64_t size = 0;
  int rc = store_get_open_buf(f->s, f->id, f->buf, &g, &size);
  pthread_mutex_lock(&f->mu);
  f->rc = rc;
  f->g = rc ? NULL : g;
  f->size = size;
  f->done = 1;
  pthread_cond_signal(&f->cv);
  pthread_mutex_unlock(&f->mu);
}

static void prefetch_wait(struct prefetch *f) {
  pthread_mutex_lock(&f->mu);
  while (!f->done) pthread_cond_wait(&f->cv, &f->mu);
  pthread_mutex_unlock(&f->mu);
}

struct obj_reader {
  store_t *s;
  struct manifest m;
  uint64_t pos, end;
  size_t idx;           /* block holding pos */
  store_get_t *g;       /* open block idx, or NULL */
  void *buf;            /* pool buffer for verifying each block (NULL when reads are not verified) */
  struct prefetch *pf[READ_AHEAD];   /* the next blocks, in order, verifying in the background */
  int npf;
  uint8_t root[32];     /* sealed chunks: the root key ... */
  uint8_t *plain;       /* ... and a pool buffer holding the open chunk's plaintext (NULL: none sealed) */
  size_t plain_idx;     /* the chunk in plain (m.n: none yet) */
};

/* Starts verifying the blocks after the last one under way (or from idx), while spare pool
 * buffers are free right now and the read-ahead has room; beyond the first, only while the pool
 * is mostly free (under load the buffers go to other transfers first). */
static void prefetch_fill(obj_reader_t *r, size_t idx) {
  if (!r->buf || r->plain) return;
  while (r->npf < READ_AHEAD) {
    size_t next = r->npf ? r->pf[r->npf - 1]->idx + 1 : idx;
    if (next >= r->m.n || r->m.b[next].offset >= r->end) return;
    if (r->npf) {
      struct bufpool_stats bp;
      bufpool_stats(store_pool(r->s), &bp);
      if (bp.in_use * 2 >= bp.count) return;
    }
    void *buf;
    if (bufpool_get(store_pool(r->s), 0, &buf)) return;   /* no spare buffer: read it in line later */
    struct prefetch *f = xcalloc(1, sizeof *f);
    f->s = r->s;
    f->idx = next;
    memcpy(f->id, r->m.b[next].id, 65);
    f->buf = buf;
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cv, NULL);
    r->pf[r->npf++] = f;
    workpool_submit(&verifiers, prefetch_job, f);
  }
}

/* Waits for the oldest read-ahead and ends it: its open block (NULL with *rc set on failure). */
static store_get_t *prefetch_take(obj_reader_t *r, int *rc, uint64_t *size) {
  struct prefetch *f = r->pf[0];
  prefetch_wait(f);
  store_get_t *g = f->g;
  *rc = g ? 0 : f->rc ? f->rc : CAIRN_EIO;
  *size = f->size;
  bufpool_put(store_pool(r->s), f->buf);
  pthread_mutex_destroy(&f->mu);
  pthread_cond_destroy(&f->cv);
  xfree(f);
  memmove(r->pf, r->pf + 1, (size_t)(r->npf - 1) * sizeof r->pf[0]);
  r->npf--;
  return g;
}

/* Ends the read-ahead nobody will use (a seek elsewhere, or close). */
static void prefetch_drop(obj_reader_t *r) {
  while (r->npf) {
    int rc;
    uint64_t size;
    store_get_t *g = prefetch_take(r, &rc, &size);
    if (g) store_get_close(g);
  }
}

int obj_reader_open(store_t *s, struct manifest *m, uint64_t off, uint64_t len, const uint8_t *root, obj_reader_t **out) {
  void *buf = NULL, *plain = NULL;
  int sealed = 0;
  for (size_t i = 0; i < m->n && !sealed; i++) sealed = m->b[i].wkey[0] != 0;
  if (sealed && !root) return CAIRN_EIO;   /* encrypted, and no key to open it */
  if (store_options(s)->verify_reads != VERIFY_READS_NEVER && m->n) {
    int rc = bufpool_get(store_pool(s), store_options(s)->buffer_wait_ms, &buf);
    if (rc) return rc;
  }
  if (sealed) {
    int rc = bufpool_get(store_pool(s), store_options(s)->buffer_wait_ms, &plain);
    if (rc) { if (buf) bufpool_put(store_pool(s), buf); return rc; }
  }
  obj_reader_t *r = xcalloc(1, sizeof *r);
  r->s = s;
  r->buf = buf;
  r->plain = plain;
  if (root) memcpy(r->root, root, 32);
  r->plain_idx = SIZE_MAX;
  r->m = *m;   /* taken over, not copied */
  manifest_init(m);
  r->pos = off;
  r->end = off + len;
  r->idx = manifest_find(&r->m, off);
  *out = r;
  return 0;
}

/* Reads the sealed chunk idx whole and opens it into r->plain: its tag checked before any byte
 * of it is given out. */
static int open_sealed(obj_reader_t *r, struct mblock *b) {
  size_t n = (size_t)b->size + CC_TAG;
  if (n > bufpool_bufsize(store_pool(r->s))) return CAIRN_EIO;
  store_get_t *g;
  uint64_t size = 0;
  int rc = store_get_open_buf(r->s, b->id, r->buf, &g, &size);   /* the stored (sealed) bytes verified */
  if (rc) return rc;
  if (size != n) { store_get_close(g); return CAIRN_ECORRUPT; }
  for (size_t got = 0; got < n;) {
    ssize_t k = store_get_read(g, r->plain + got, n - got, got);
    if (k <= 0) { store_get_close(g); return CAIRN_EIO; }
    got += (size_t)k;
  }
  store_get_close(g);
  uint8_t key[32];
  if ((rc = cc_unwrap(r->root, b->id, b->wkey, key))) return CAIRN_ECORRUPT;
  if ((rc = cc_open(key, r->plain, n))) return rc;
  r->plain_idx = r->idx;
  return 0;
}

static long read_sealed(obj_reader_t *r, char *buf, size_t max) {
  struct mblock *b = &r->m.b[r->idx];
  if (r->plain_idx != r->idx) {
    r->plain_idx = SIZE_MAX;
    int rc = open_sealed(r, b);
    if (rc) return rc;
  }
  uint64_t in_block = r->pos - b->offset, left = b->size - in_block;
  if (left > r->end - r->pos) left = r->end - r->pos;
  size_t n = left < max ? (size_t)left : max;
  memcpy(buf, r->plain + in_block, n);
  r->pos += n;
  if (r->pos >= b->offset + b->size) r->idx = manifest_find(&r->m, r->pos);
  return (long)n;
}

long obj_reader_read(obj_reader_t *r, char *buf, size_t max) {
  if (r->pos >= r->end) return 0;
  if (r->idx >= r->m.n) return CAIRN_EIO;
  struct mblock *b = &r->m.b[r->idx];
  if (b->wkey[0]) return read_sealed(r, buf, max);
  if (!r->g) {
    uint64_t size = 0;
    int rc = 0;
    if (r->npf && r->pf[0]->idx == r->idx) r->g = prefetch_take(r, &rc, &size);   /* verified ahead */
    else {
      prefetch_drop(r);
      rc = store_get_open_buf(r->s, b->id, r->buf, &r->g, &size);   /* verified before use */
    }
    if (rc) { r->g = NULL; return rc; }
    if (size != b->size) return CAIRN_ECORRUPT;
    prefetch_fill(r, r->idx + 1);
  }
  uint64_t in_block = r->pos - b->offset, left = b->size - in_block;
  if (left > r->end - r->pos) left = r->end - r->pos;
  ssize_t n = store_get_read(r->g, buf, left < max ? (size_t)left : max, in_block);
  if (n <= 0) return CAIRN_EIO;
  r->pos += (uint64_t)n;
  if (r->pos >= b->offset + b->size) {   /* next block */
    store_get_close(r->g);
    r->g = NULL;
    r->idx = manifest_find(&r->m, r->pos);
  }
  return n;
}

void obj_reader_close(obj_reader_t *r) {
  if (!r) return;
  prefetch_drop(r);   /* waits for it, closes what it opened */
  if (r->g) store_get_close(r->g);
  if (r->buf) bufpool_put(store_pool(r->s), r->buf);
  if (r->plain) { memset(r->plain, 0, bufpool_bufsize(store_pool(r->s))); bufpool_put(store_pool(r->s), r->plain); }
  manifest_free(&r->m);
  xfree(r);
}
