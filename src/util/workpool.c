/* workpool.c - the worker threads and their queue (see workpool.h). */
#include "workpool.h"
#include "alloc.h"

struct workjob { void (*fn)(void *); void *arg; struct workjob *next; };

static void *worker_main(void *p) {
  struct workpool *wp = p;
  for (;;) {
    pthread_mutex_lock(&wp->mu);
    while (!wp->head) pthread_cond_wait(&wp->cv, &wp->mu);
    struct workjob *j = wp->head;
    wp->head = j->next;
    if (!wp->head) wp->tail = NULL;
    pthread_mutex_unlock(&wp->mu);
    j->fn(j->arg);
    xfree(j);
  }
  return NULL;
}

void workpool_submit(struct workpool *wp, void (*fn)(void *arg), void *arg) {
  struct workjob *j = xmalloc(sizeof *j);
  j->fn = fn;
  j->arg = arg;
  j->next = NULL;
  pthread_mutex_lock(&wp->mu);
  if (!wp->started) {
    for (int i = 0; i < wp->threads; i++) {
      pthread_t t;
      if (!pthread_create(&t, NULL, worker_main, wp)) pthread_detach(t);
    }
    wp->started = 1;
  }
  if (wp->tail) wp->tail->next = j; else wp->head = j;
  wp->tail = j;
  pthread_cond_signal(&wp->cv);
  pthread_mutex_unlock(&wp->mu);
}
