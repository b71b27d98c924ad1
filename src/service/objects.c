/* objects.c - chunked object streams over the block store. */
#include "objects.h"
#include "../crypto/hash.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/hex.h"
#include <string.h>

struct obj_writer {
  store_t *s;
  void *buf;            /* one pool buffer, lent to each chunk's put in turn */
  cdc_t cdc;
  store_put_t *cur;     /* the chunk being written */
  hash_ctx_t *md5, *sha;
  struct manifest m;
};

int obj_writer_begin(store_t *s, const struct cdc_params *p, int want_sha256, obj_writer_t **out) {
  obj_writer_t *w = xcalloc(1, sizeof *w);
  int rc = cdc_init(&w->cdc, p);
  if (!rc) rc = bufpool_get(store_pool(s), store_options(s)->buffer_wait_ms, &w->buf);
  if (rc) { xfree(w); return rc; }
  w->s = s;
  w->md5 = hash_new(HASH_MD5);
  w->sha = want_sha256 ? hash_new(HASH_SHA256) : NULL;
  manifest_init(&w->m);
  *out = w;
  return 0;
}

static int end_chunk(obj_writer_t *w) {
  int reps;
  uint64_t size;
  char id[65];
  int rc = store_put_finish(w->cur, &reps, &size, id);
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
  if (w->buf) bufpool_put(store_pool(w->s), w->buf);
  hash_free(w->md5);
  hash_free(w->sha);
  manifest_free(&w->m);
  xfree(w);
}

int obj_writer_finish(obj_writer_t *w, struct manifest *m, char md5_hex[33], char sha256_hex[65]) {
  int rc = w->cur ? end_chunk(w) : 0;
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

struct obj_reader {
  store_t *s;
  struct manifest m;
  uint64_t pos, end;
  size_t idx;           /* block holding pos */
  store_get_t *g;       /* open block idx, or NULL */
  void *buf;            /* pool buffer for verifying each block (NULL when reads are not verified) */
};

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
    uint64_t size;
    int rc = store_get_open_buf(r->s, b->id, r->buf, &r->g, &size);   /* verified before use */
    if (rc) { r->g = NULL; return rc; }
    if (size != b->size) return CAIRN_ECORRUPT;
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
  if (r->g) store_get_close(r->g);
  if (r->buf) bufpool_put(store_pool(r->s), r->buf);
  manifest_free(&r->m);
  xfree(r);
}
