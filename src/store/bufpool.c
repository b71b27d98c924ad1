/* bufpool.c - mutex + condition variable over a stack of free buffers. */
#include "bufpool.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <errno.h>
#include <pthread.h>
#include <time.h>

struct bufpool {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  size_t count, size, allocated, nfree;
  void **free;
  uint64_t waits, timeouts;
  void (*on_release)(void *);
  void *release_arg;
};

bufpool_t *bufpool_create(size_t count, size_t size) {
  bufpool_t *p = xcalloc(1, sizeof *p);
  pthread_mutex_init(&p->mu, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&p->cv, &ca);
  pthread_condattr_destroy(&ca);
  p->count = count ? count : 1;
  p->size = size;
  p->free = xcalloc(p->count, sizeof(void *));
  return p;
}

void bufpool_destroy(bufpool_t *p) {
  if (!p) return;
  for (size_t i = 0; i < p->nfree; i++) xfree(p->free[i]);
  xfree(p->free);
  pthread_mutex_destroy(&p->mu);
  pthread_cond_destroy(&p->cv);
  xfree(p);
}

int bufpool_get(bufpool_t *p, int64_t wait_ms, void **buf) {
  struct timespec dl;
  clock_gettime(CLOCK_MONOTONIC, &dl);
  dl.tv_sec += wait_ms / 1000;
  dl.tv_nsec += (wait_ms % 1000) * 1000000;
  if (dl.tv_nsec >= 1000000000) { dl.tv_sec++; dl.tv_nsec -= 1000000000; }
  pthread_mutex_lock(&p->mu);
  int waited = 0, rc = 0;
  while (!p->nfree && p->allocated == p->count) {
    if (!waited) { p->waits++; waited = 1; }
    if (pthread_cond_timedwait(&p->cv, &p->mu, &dl) == ETIMEDOUT && !p->nfree &&
        p->allocated == p->count) {
      p->timeouts++;
      rc = CAIRN_EBUSY;
      break;
    }
  }
  void *b = NULL;
  if (!rc) {
    if (p->nfree) b = p->free[--p->nfree];
    else p->allocated++;
  }
  pthread_mutex_unlock(&p->mu);
  if (!rc && !b) b = xmalloc_aligned(4096, p->size);   /* outside the lock; page-aligned for O_DIRECT */
  *buf = b;
  return rc;
}

void bufpool_put(bufpool_t *p, void *buf) {
  if (!buf) return;
  pthread_mutex_lock(&p->mu);
  p->free[p->nfree++] = buf;
  pthread_cond_signal(&p->cv);
  void (*fn)(void *) = p->on_release;
  void *arg = p->release_arg;
  pthread_mutex_unlock(&p->mu);
  if (fn) fn(arg);
}

void bufpool_on_release(bufpool_t *p, void (*fn)(void *), void *arg) {
  pthread_mutex_lock(&p->mu);
  p->on_release = fn;
  p->release_arg = arg;
  pthread_mutex_unlock(&p->mu);
}

size_t bufpool_bufsize(const bufpool_t *p) { return p->size; }

void bufpool_stats(bufpool_t *p, struct bufpool_stats *o) {
  pthread_mutex_lock(&p->mu);
  o->count = p->count;
  o->size = p->size;
  o->allocated = p->allocated;
  o->in_use = p->allocated - p->nfree;
  o->waits = p->waits;
  o->timeouts = p->timeouts;
  pthread_mutex_unlock(&p->mu);
}
