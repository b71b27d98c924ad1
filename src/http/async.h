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

/* The same for work that ends elsewhere: fn(arg, t) runs on a worker and passes t on; whoever
 * finishes the work (any thread) calls http_resume(t), exactly once, and only then is `end`
 * called again. The worker is free as soon as fn returns (nothing waits for the rest). */
typedef struct http_resume http_resume_t;
int http_defer_handoff(req_t *r, void (*fn)(void *arg, http_resume_t *t), void *arg);
void http_resume(http_resume_t *t);

#endif
