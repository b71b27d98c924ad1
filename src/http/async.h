/* async.h - blocking work (fsync, hashing a block, disk reads) moved off the event threads: the
 * request is suspended, a worker thread runs the job, then the request is resumed and its
 * handler's `end` is called again to answer. */
#ifndef CAIRN_ASYNC_H
#define CAIRN_ASYNC_H
#include "request.h"

typedef struct workq workq_t;

workq_t *workq_start(unsigned nthreads);   /* caller stops it with workq_stop */
/* Finishes every queued job (each resumes its request), joins the threads, frees q. */
void workq_stop(workq_t *q);

/* Called from a handler's `end`: runs fn(arg) on a worker, then calls `end` again.
 * Returns CAIRN_EDEFER, which `end` returns to the server. fn must not touch r. */
int http_defer(req_t *r, void (*fn)(void *arg), void *arg);

#endif
