/* hash_thread.c - MD5 / SHA-256 of a stream on helper threads (hash_thread.h): one thread per
 * digest, so MD5 (the slowest) and SHA-256 run side by side; double buffering under one mutex;
 * a half is reused once every hasher is done with it, and the feeder waits only when the hashers
 * are a whole half behind. */
#include "hash_thread.h"
#include "hash.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <pthread.h>
#include <string.h>

struct hasher { hash_thread_t *t; pthread_t th; hash_ctx_t *h; unsigned seen; };

struct hash_thread {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  uint8_t *half[2];
  size_t cap;          /* bytes per half */
  size_t fill;         /* bytes in the half being filled */
  int cur;             /* the half being filled */
  size_t pending;      /* bytes of the other half handed over */
  unsigned gen;        /* hand-overs so far: a hasher works on a half when its gen is new to it */
  int busy;            /* hashers still working on the handed-over half */
  int stop;
  int n;               /* hashers: MD5, then SHA-256 when asked */
  struct hasher hs[2];
};

static void *hash_loop(void *arg) {
  struct hasher *me = arg;
  hash_thread_t *t = me->t;
  pthread_mutex_lock(&t->mu);
  for (;;) {
    while (me->seen == t->gen && !t->stop) pthread_cond_wait(&t->cv, &t->mu);
    if (me->seen == t->gen) break;   /* stopping, nothing new */
    me->seen = t->gen;
    const uint8_t *p = t->half[!t->cur];
    size_t n = t->pending;
    pthread_mutex_unlock(&t->mu);
    hash_update(me->h, p, n);
    pthread_mutex_lock(&t->mu);
    if (--t->busy == 0) pthread_cond_broadcast(&t->cv);
  }
  pthread_mutex_unlock(&t->mu);
  return NULL;
}

static void free_thread(hash_thread_t *t) {
  for (int i = 0; i < 2; i++) hash_free(t->hs[i].h);
  pthread_mutex_destroy(&t->mu);
  pthread_cond_destroy(&t->cv);
  xfree(t);
}

static void stop_and_free(hash_thread_t *t) {
  pthread_mutex_lock(&t->mu);
  t->stop = 1;
  pthread_cond_broadcast(&t->cv);
  pthread_mutex_unlock(&t->mu);
  for (int i = 0; i < t->n; i++) pthread_join(t->hs[i].th, NULL);
  free_thread(t);
}

int hash_thread_start(void *buf, size_t cap, int want_sha256, hash_thread_t **out) {
  if (cap < 2) return CAIRN_EINVAL;
  hash_thread_t *t = xcalloc(1, sizeof *t);
  t->cap = cap / 2;
  t->half[0] = buf;
  t->half[1] = (uint8_t *)buf + t->cap;
  t->hs[0].h = hash_new(HASH_MD5);
  t->hs[1].h = want_sha256 ? hash_new(HASH_SHA256) : NULL;
  pthread_mutex_init(&t->mu, NULL);
  pthread_cond_init(&t->cv, NULL);
  for (int i = 0; i < (want_sha256 ? 2 : 1); i++) {
    t->hs[i].t = t;
    if (pthread_create(&t->hs[i].th, NULL, hash_loop, &t->hs[i])) {
      stop_and_free(t);   /* joins the ones started */
      return CAIRN_EIO;
    }
    t->n++;
  }
  *out = t;
  return 0;
}

/* Hands the filled half over (waiting until the hashers have the other one done). */
static void hand_over(hash_thread_t *t) {
  pthread_mutex_lock(&t->mu);
  while (t->busy) pthread_cond_wait(&t->cv, &t->mu);
  t->pending = t->fill;
  t->cur = !t->cur;
  t->fill = 0;
  t->busy = t->n;
  t->gen++;
  pthread_cond_broadcast(&t->cv);
  pthread_mutex_unlock(&t->mu);
}

void hash_thread_feed(hash_thread_t *t, const void *data, size_t n) {
  const uint8_t *d = data;
  while (n) {
    size_t k = t->cap - t->fill < n ? t->cap - t->fill : n;
    memcpy(t->half[t->cur] + t->fill, d, k);
    t->fill += k;
    d += k;
    n -= k;
    if (t->fill == t->cap) hand_over(t);
  }
}

void hash_thread_finish(hash_thread_t *t, uint8_t md5[16], uint8_t sha256[32]) {
  if (t->fill) hand_over(t);
  pthread_mutex_lock(&t->mu);
  while (t->busy) pthread_cond_wait(&t->cv, &t->mu);
  pthread_mutex_unlock(&t->mu);
  hash_final(t->hs[0].h, md5);
  if (t->hs[1].h && sha256) hash_final(t->hs[1].h, sha256);
  stop_and_free(t);
}

void hash_thread_abort(hash_thread_t *t) { if (t) stop_and_free(t); }
