/* objstream.c - chunked object streams over the block store (objstream.h). */
#include "objstream.h"
#include "../crypto/hash.h"
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
};

int obj_writer_begin(store_t *s, const struct cdc_params *p, int want_sha256, obj_writer_t **out) {
  obj_writer_t *w = xcalloc(1, sizeof *w);
  int rc = cdc_init(&w->cdc, p);
  if (!rc) rc = bufpool_get(store_pool(s), store_options(s)->buffer_wait_ms, &w->buf);
  if (rc) { xfree(w); return rc; }
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

int obj_writer_write(obj_writer_t *w, const void *data, size_t n) {
  const uint8_t *d = data;
  hash_update(w->md5, d, n);
  if (w->sha) hash_update(w->sha, d, n);
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
  if (w->cur) store_put_abort(w->cur);
  store_group_destroy(&w->g);   /* blocks still committing become garbage for gc on an abort */
  if (w->buf) bufpool_put(store_pool(w->s), w->buf);
  hash_free(w->md5);
  hash_free(w->sha);
  manifest_free(&w->m);
  xfree(w);
}

int obj_writer_finish(obj_writer_t *w, struct manifest *m, char md5_hex[33], char sha256_hex[65]) {
  int rc = w->cur ? end_chunk(w) : 0;
  if (!rc) rc = store_group_wait(&w->g);   /* every block durable before the object commits */
  if (!rc) {
    uint8_t d[32];
    hash_final(w->md5, d);
    hex_encode(d, 16, md5_hex);
    if (w->sha) {
      hash_final(w->sha, d);
      hex_encode(d, 32, sha256_hex);
    } else {
      sha256_hex[0] = 0;
    }
    *m = w->m;
    manifest_init(&w->m);
  }
  writer_free(w);
  return rc;
}

void obj_writer_abort(obj_writer_t *w) { if (w) writer_free(w); }

/* Read-ahead: the next block is opened and verified on a worker while this one streams. */
struct prefetch {
  store_t *s;
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
  struct prefetch *pf;  /* the next block, verifying in the background (or NULL) */
  size_t pf_idx;
};

/* Starts verifying block idx in the background when a second pool buffer is free right now. */
static void prefetch_start(obj_reader_t *r, size_t idx) {
  if (!r->buf || r->pf || idx >= r->m.n || r->m.b[idx].offset >= r->end) return;
  void *buf;
  if (bufpool_get(store_pool(r->s), 0, &buf)) return;   /* no spare buffer: read it in line later */
  struct prefetch *f = xcalloc(1, sizeof *f);
  f->s = r->s;
  memcpy(f->id, r->m.b[idx].id, 65);
  f->buf = buf;
  pthread_mutex_init(&f->mu, NULL);
  pthread_cond_init(&f->cv, NULL);
  r->pf = f;
  r->pf_idx = idx;
  workpool_submit(&verifiers, prefetch_job, f);
}

/* Waits for the read-ahead and ends it: its open block (NULL with *rc set on failure). */
static store_get_t *prefetch_take(obj_reader_t *r, int *rc, uint64_t *size) {
  struct prefetch *f = r->pf;
  prefetch_wait(f);
  store_get_t *g = f->g;
  *rc = g ? 0 : f->rc ? f->rc : CAIRN_EIO;
  *size = f->size;
  bufpool_put(store_pool(r->s), f->buf);
  pthread_mutex_destroy(&f->mu);
  pthread_cond_destroy(&f->cv);
  xfree(f);
  r->pf = NULL;
  return g;
}

/* Ends a read-ahead nobody will use (a seek elsewhere, or close). */
static void prefetch_drop(obj_reader_t *r) {
  int rc;
  uint64_t size;
  store_get_t *g = r->pf ? prefetch_take(r, &rc, &size) : NULL;
  if (g) store_get_close(g);
}

int obj_reader_open(store_t *s, struct manifest *m, uint64_t off, uint64_t len, obj_reader_t **out) {
  void *buf = NULL;
  if (store_options(s)->verify_reads != VERIFY_READS_NEVER && m->n) {
    int rc = bufpool_get(store_pool(s), store_options(s)->buffer_wait_ms, &buf);
    if (rc) return rc;
  }
  obj_reader_t *r = xcalloc(1, sizeof *r);
  r->s = s;
  r->buf = buf;
  r->m = *m;   /* taken over, not copied */
  manifest_init(m);
  r->pos = off;
  r->end = off + len;
  r->idx = manifest_find(&r->m, off);
  *out = r;
  return 0;
}

long obj_reader_read(obj_reader_t *r, char *buf, size_t max) {
  if (r->pos >= r->end) return 0;
  if (r->idx >= r->m.n) return CAIRN_EIO;
  struct mblock *b = &r->m.b[r->idx];
  if (!r->g) {
    uint64_t size = 0;
    int rc = 0;
    if (r->pf && r->pf_idx == r->idx) r->g = prefetch_take(r, &rc, &size);   /* verified ahead */
    else {
      prefetch_drop(r);
      rc = store_get_open_buf(r->s, b->id, r->buf, &r->g, &size);   /* verified before use */
    }
    if (rc) { r->g = NULL; return rc; }
    if (size != b->size) return CAIRN_ECORRUPT;
    prefetch_start(r, r->idx + 1);
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
  manifest_free(&r->m);
  xfree(r);
}
