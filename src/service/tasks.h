/* tasks.h - background tasks and the worker pool that runs them. A task is a row in meta/ (kind,
 * JSON payload, state, progress, result, error, lease); any worker of any `cairn serve` claims a
 * due one under a lease in one transaction, a keeper thread renews the leases of what runs here,
 * and a task whose worker died is claimed again once its lease has expired. A failed attempt is
 * retried with exponential backoff up to its kind's limit, then the task is `failed`. Waiting is
 * event-driven: submitting wakes an idle worker, finishing wakes waiters (condition variables and
 * change hooks), and a worker with nothing to do sleeps until the next due task. */
#ifndef CAIRN_TASKS_H
#define CAIRN_TASKS_H
#include "../meta/meta.h"
#include <jansson.h>
#include <stdint.h>

typedef struct tasks tasks_t;
struct task_run;   /* a running attempt, as its handler sees it */

/* Runs one attempt: 0 and *result (a new reference, or NULL) on success, else an error (the
 * attempt is retried unless task_fail said permanent, or the kind's attempts are spent). */
typedef int (*task_fn)(void *ctx, struct task_run *run, const json_t *payload, json_t **result);
struct task_kind {
  const char *name;
  task_fn fn;
  void *ctx;
  int max_attempts;       /* >= 1 */
  int64_t backoff_ms;     /* before the 2nd attempt; doubles each time, at most 10 minutes */
};

struct tasks_opts { unsigned workers; int64_t lease_ms; int64_t retention_ms; };

tasks_t *tasks_create(meta_t *m, const struct tasks_opts *o);
void tasks_register(tasks_t *t, const struct task_kind *k);   /* before tasks_start; k outlives t */
void tasks_start(tasks_t *t);
void tasks_stop(tasks_t *t);   /* stops claiming, lets running attempts see cancellation, joins */
void tasks_destroy(tasks_t *t);
const char *tasks_node(const tasks_t *t);   /* this process's lease owner name */

/* Queues a task (delay_ms from now). With a dedup_key that is already queued or running, nothing
 * new is queued and *coalesced = 1: id is that task. 0 or CAIRN_E*. */
int tasks_submit(tasks_t *t, const char *kind, const char *owner, const json_t *payload, const char *dedup_key,
                 int64_t delay_ms, char id[33], int *coalesced);
/* Asks a task to stop (meta_task_cancel); a task running here sees it at once. */
int tasks_cancel(tasks_t *t, const char *id, char state[12]);
/* Blocks until task id has ended or deadline (wall ms) passed; 0 with *out filled, or CAIRN_E*. */
int tasks_wait(tasks_t *t, const char *id, int64_t deadline_ms, struct meta_task *out);
/* A counter that moves whenever a task ends or is queued here, and a hook called then (the server
 * resumes long polls; any thread). tasks_poke moves it without a task changing (news a waiter
 * may want: a mirror copy began). */
void tasks_poke(tasks_t *t);
/* Another node queued or ended a task (meta_listen): wake a worker as well as the waiters. */
void tasks_remote_change(tasks_t *t);
uint64_t tasks_generation(tasks_t *t);
void tasks_on_change(tasks_t *t, void (*fn)(void *), void *ctx);
/* Counts by state and kind for metrics: fn per (kind, state, count) of what meta holds. */
struct tasks_stats { uint64_t started, succeeded, failed, canceled, retried; double seconds_sum; };
void tasks_stats(tasks_t *t, struct tasks_stats *out);

/* For handlers. */
const char *task_id(const struct task_run *r);
int task_attempt(const struct task_run *r);
int task_last_attempt(const struct task_run *r);   /* 1 when a failure now is final */
void task_progress(struct task_run *r, int64_t done, int64_t total, const char *message);
int task_canceled(struct task_run *r);   /* 1 once cancellation was asked (or the lease was lost) */
/* Records why the attempt failed: a short public reason and a private detail (admins only);
 * permanent: do not retry. Returns CAIRN_EIO, for `return task_fail(...)`. */
int task_fail(struct task_run *r, int permanent, const char *reason, const char *detail_fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
