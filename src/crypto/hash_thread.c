/* hash_thread.c - MD5 / SHA-256 of a stream on a helper thread (hash_thread.h): double buffering
 * under one mutex; the feeder waits only when the hasher is a whole half behind. */
#include "hash_thread.h"
#include "hash.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <pthread.h>
#include <string.h>

struct hash_thread {
  pthread_t th;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  uint8_t *half[2];
  size_t cap;          /* bytes per half */
  size_t fill;         /* bytes in the half being filled */
  int cur;             /* the half being filled */
  size_t pending;      /* bytes of the other half handed over, 0 when the hasher is free */
  int stop;
  hash_ctx_t *md5, *sha;
};

static void *hasher(void *arg) {
  hash_thread_t *t = arg;
  pthread_mutex_lock(&t->mu);
  for (;;) {
    while (!t->pending && !t->stop) pthread_cond_wait(&t->cv, &t->mu);
    if (!t->pending && t->stop) break;
    const uint8_t *p = t->half[!t->cur];
    size_t n = t->pending;
    pthread_mutex_unlock(&t->mu);
    hash_update(t->md5, p, n);
    if (t->sha) hash_update(t->sha, p, n);
    pthread_mutex_lock(&t->mu);
    t->pending = 0;
    pthread_cond_broadcast(&t->cv);
  }
  pthread_mutex_unlock(&t->mu);
  return NULL;
}

int hash_thread_start(void *buf, size_t cap, int want_sha256, hash_thread_t **out) {
  if (cap < 2) return CAIRN_EINVAL;
  hash_thread_t *t = xcalloc(1, sizeof *t);
  t->cap = cap / 2;
  t->half[0] = buf;
  t->half[1] = (uint8_t *)buf + t->cap;
  t->md5 = hash_new(HASH_MD5);
  t->sha = want_sha256 ? hash_new(HASH_SHA256) : NULL;
  pthread_mutex_init(&t->mu, NULL);
  pthread_cond_init(&t->cv, NULL);
  if (pthread_create(&t->th, NULL, hasher, t)) {
    hash_free(t->md5);
    hash_free(t->sha);
    pthread_mutex_destroy(&t->mu);
    pthread_cond_destroy(&t->cv);
    xfree(t);
    return CAIRN_EIO;
  }
  *out = t;
  return 0;
}

/* Hands the filled half over (waiting until the hasher has the other one done). */
static void hand_over(hash_thread_t *t) {
  pthread_mutex_lock(&t->mu);
  while (t->pending) pthread_cond_wait(&t->cv, &t->mu);
  t->pending = t->fill;
  t->cur = !t->cur;
  t->fill = 0;
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

static void stop_and_free(hash_thread_t *t) {
  pthread_mutex_lock(&t->mu);
  t->stop = 1;
  pthread_cond_broadcast(&t->cv);
  pthread_mutex_unlock(&t->mu);
  pthread_join(t->th, NULL);
  hash_free(t->md5);
  hash_free(t->sha);
  pthread_mutex_destroy(&t->mu);
  pthread_cond_destroy(&t->cv);
  xfree(t);
}

void hash_thread_finish(hash_thread_t *t, uint8_t md5[16], uint8_t sha256[32]) {
  if (t->fill) hand_over(t);
  pthread_mutex_lock(&t->mu);
  while (t->pending) pthread_cond_wait(&t->cv, &t->mu);
  pthread_mutex_unlock(&t->mu);
  hash_final(t->md5, md5);
  if (t->sha && sha256) hash_final(t->sha, sha256);
  stop_and_free(t);
}

void hash_thread_abort(hash_thread_t *t) { if (t) stop_and_free(t); }
