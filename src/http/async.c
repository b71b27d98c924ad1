/* async.c - a fixed pool of worker threads with a FIFO job queue; jobs that hand their request's
 * resumption on (http_defer_handoff) are counted until it happens, so stopping waits for them. */
#include "async.h"
#include "server_internal.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <microhttpd.h>
#include <pthread.h>

struct job {
  struct job *next; struct MHD_Connection *conn; void (*fn)(void *); void *arg;
  void (*hfn)(void *, http_resume_t *);   /* a handoff job: fn is NULL */
};
struct http_resume { struct MHD_Connection *conn; workq_t *q; };

struct workq {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  struct job *head, *tail;
  int stop;
  unsigned n;
  unsigned handed;   /* handoffs not resumed yet */
  pthread_cond_t handed_cv;
  pthread_t *threads;
};

static void *worker(void *p) {
  workq_t *q = p;
  pthread_mutex_lock(&q->mu);
  for (;;) {
    while (!q->head && !q->stop) pthread_cond_wait(&q->cv, &q->mu);
    struct job *j = q->head;
    if (!j) break;   /* stopping and drained */
    q->head = j->next;
    if (!q->head) q->tail = NULL;
    if (j->hfn) q->handed++;
    pthread_mutex_unlock(&q->mu);
    if (j->hfn) {
      http_resume_t *t = xmalloc(sizeof *t);
      *t = (http_resume_t){j->conn, q};
      j->hfn(j->arg, t);
    } else {
      j->fn(j->arg);
      MHD_resume_connection(j->conn);
    }
    xfree(j);
    pthread_mutex_lock(&q->mu);
  }
  pthread_mutex_unlock(&q->mu);
  return NULL;
}

workq_t *workq_start(unsigned n) {
  workq_t *q = xcalloc(1, sizeof *q);
  pthread_mutex_init(&q->mu, NULL);
  pthread_cond_init(&q->cv, NULL);
  pthread_cond_init(&q->handed_cv, NULL);
  q->n = n ? n : 1;
  q->threads = xcalloc(q->n, sizeof *q->threads);
  for (unsigned i = 0; i < q->n; i++) pthread_create(&q->threads[i], NULL, worker, q);
  return q;
}

void workq_stop(workq_t *q) {
  if (!q) return;
  pthread_mutex_lock(&q->mu);
  q->stop = 1;
  pthread_cond_broadcast(&q->cv);
  pthread_mutex_unlock(&q->mu);
  for (unsigned i = 0; i < q->n; i++) pthread_join(q->threads[i], NULL);
  pthread_mutex_lock(&q->mu);   /* the daemon may stop only once every handed-on request resumed */
  while (q->handed) pthread_cond_wait(&q->handed_cv, &q->mu);
  pthread_mutex_unlock(&q->mu);
  pthread_cond_destroy(&q->handed_cv);
  pthread_mutex_destroy(&q->mu);
  pthread_cond_destroy(&q->cv);
  xfree(q->threads);
  xfree(q);
}

static int enqueue(req_t *r, struct job *j) {
  workq_t *q = server_workq(r);
  server_waiting(r);
  MHD_suspend_connection(r->conn);   /* before queueing: the worker resumes it */
  pthread_mutex_lock(&q->mu);
  if (q->tail) q->tail->next = j; else q->head = j;
  q->tail = j;
  pthread_cond_signal(&q->cv);
  pthread_mutex_unlock(&q->mu);
  return CAIRN_EDEFER;
}

int http_defer(req_t *r, void (*fn)(void *), void *arg) {
  struct job *j = xmalloc(sizeof *j);
  *j = (struct job){NULL, r->conn, fn, arg, NULL};
  return enqueue(r, j);
}

int http_defer_handoff(req_t *r, void (*fn)(void *, http_resume_t *), void *arg) {
  struct job *j = xmalloc(sizeof *j);
  *j = (struct job){NULL, r->conn, NULL, arg, fn};
  return enqueue(r, j);
}

void http_resume(http_resume_t *t) {
  workq_t *q = t->q;
  MHD_resume_connection(t->conn);
  xfree(t);
  pthread_mutex_lock(&q->mu);
  if (--q->handed == 0) pthread_cond_broadcast(&q->handed_cv);
  pthread_mutex_unlock(&q->mu);
}
