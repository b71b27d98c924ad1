/* workpool.h - a fixed set of detached worker threads fed from one FIFO queue, started on first
 * use. For short blocking jobs behind a stream (block commits, read-ahead verification); jobs
 * report back through their own argument. */
#ifndef CAIRN_WORKPOOL_H
#define CAIRN_WORKPOOL_H
#include <pthread.h>

struct workjob;
struct workpool {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  struct workjob *head, *tail;
  int threads, started;
};

#define WORKPOOL_INIT(n) {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, (n), 0}

void workpool_submit(struct workpool *wp, void (*fn)(void *arg), void *arg);

#endif
