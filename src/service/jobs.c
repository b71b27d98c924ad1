/* jobs.c - gc, trash and lifecycle as task kinds, and the scheduler that queues them (jobs.h).
 * Nodes sharing one database queue each periodic job once per interval between them: the node
 * that takes the job's lease (meta_lease_take) queues it; any node's worker may run it. */
#include "jobs.h"
#include "svc_internal.h"
#include "gc.h"
#include "lifecycle.h"
#include "../util/log.h"
#include "../util/timeutil.h"
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static int gc_task(void *ctx, struct task_run *run, const json_t *payload, json_t **result) {
  (void)payload;
  struct svc *s = ctx;
  struct gc_report rep;
  task_progress(run, 0, 1, "marking and sweeping");
  space_guard(s->space);
  int rc = gc_run(s->meta, s->store, s->cfg->gc_grace_ms, &rep);
  if (rc) return task_fail(run, 0, "garbage collection failed", "gc_run: %d", rc);
  task_progress(run, 1, 1, "done");
  metrics_gc(&s->metrics, &rep);
  *result = json_pack("{s:I,s:I,s:I,s:I,s:I,s:f}", "blocks", (json_int_t)rep.blocks, "referenced",
                      (json_int_t)rep.referenced, "trashed", (json_int_t)rep.trashed, "trashed_bytes",
                      (json_int_t)rep.trashed_bytes, "kept_young", (json_int_t)rep.kept_young, "seconds", rep.seconds);
  return 0;
}

static int trash_task(void *ctx, struct task_run *run, const json_t *payload, json_t **result) {
  (void)payload; (void)run;
  struct svc *s = ctx;
  int n = 0;
  space_guard(s->space);
  int rc = store_empty_trash(s->store, &n);
  if (n) LOGI("trash: deleted %d expired blocks", n);
  metrics_trash(&s->metrics, (uint64_t)n);
  *result = json_pack("{s:i}", "deleted", n);
  return rc;
}

static int lifecycle_task(void *ctx, struct task_run *run, const json_t *payload, json_t **result) {
  (void)payload; (void)run;
  struct svc *s = ctx;
  int deleted = 0, aborted = 0;
  int rc = lifecycle_sweep(s->meta, s->cfg->lifecycle_day_ms, &deleted, &aborted);
  metrics_lifecycle(&s->metrics, (uint64_t)deleted, (uint64_t)aborted);
  *result = json_pack("{s:i,s:i}", "deleted", deleted, "aborted", aborted);
  return rc;
}

static int progress(void *ctx, uint64_t done, uint64_t total) {
  struct task_run *run = ctx;
  task_progress(run, (int64_t)done, (int64_t)total, "copying and trashing");
  return task_canceled(run);
}

static int balance_task(void *ctx, struct task_run *run, const json_t *payload, json_t **result) {
  (void)payload;
  struct svc *s = ctx;
  struct balance_report rep;
  space_guard(s->space);
  int rc = store_balance(s->store, progress, run, &rep);
  if (rc) return task_fail(run, 0, "balance failed", "store_balance: %d", rc);
  metrics_balance(&s->metrics, &rep);
  *result = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:f}", "blocks", (json_int_t)rep.blocks, "copies", (json_int_t)rep.copies,
                      "copied", (json_int_t)rep.copied, "copied_bytes", (json_int_t)rep.copied_bytes, "trashed",
                      (json_int_t)rep.trashed, "kept_changed", (json_int_t)rep.kept_changed, "underplaced",
                      (json_int_t)rep.underplaced, "failed", (json_int_t)rep.failed, "seconds", rep.seconds);
  return rep.failed ? task_fail(run, 1, "some copies could not be made or trashed (see the log)", "%llu failures",
                                (unsigned long long)rep.failed) : 0;
}

static struct task_kind k_gc = {"gc", gc_task, NULL, 3, 5000};
static struct task_kind k_balance = {"balance", balance_task, NULL, 3, 5000};
static struct task_kind k_trash = {"trash", trash_task, NULL, 3, 5000};
static struct task_kind k_lifecycle = {"lifecycle", lifecycle_task, NULL, 3, 5000};

void jobs_register(svc_t *s) {
  k_gc.ctx = k_trash.ctx = k_lifecycle.ctx = k_balance.ctx = s;
  tasks_register(s->tasks, &k_gc);
  tasks_register(s->tasks, &k_balance);
  tasks_register(s->tasks, &k_trash);
  tasks_register(s->tasks, &k_lifecycle);
}

static void queue(svc_t *s, const char *kind) {
  char id[33];
  int coalesced;
  int rc = tasks_submit(s->tasks, kind, "", NULL, kind, 0, id, &coalesced);
  if (rc) LOGW("cannot queue a %s task: %d", kind, rc);
}

/* Queues kind when this node takes its lease for the interval (the lease ends a little before the
 * interval does, so the holder's next tick finds it free). */
static void periodic(svc_t *s, const char *kind, int64_t interval_ms) {
  static __thread char holder[128];
  if (!*holder) {
    char host[64] = "";
    gethostname(host, sizeof host - 1);
    snprintf(holder, sizeof holder, "%s:%d", host, (int)getpid());
  }
  int64_t now = time_now_ms();
  int rc = meta_lease_take(s->meta, kind, holder, now, now + interval_ms - interval_ms / 10);
  if (rc == 1) queue(s, kind);
  else if (rc < 0) LOGW("cannot take the %s lease: %d", kind, rc);
}

/* Wakes for the most frequent of its jobs; keeps the disk reserve between passes. */
static void *scheduler_main(void *p) {
  struct svc *s = p;
  const struct config *c = s->cfg;
  int64_t wake = c->trash_interval_ms;
  if (c->lifecycle_interval_ms && c->lifecycle_interval_ms < wake) wake = c->lifecycle_interval_ms;
  if (c->gc_interval_ms && c->gc_interval_ms < wake) wake = c->gc_interval_ms;
  if (c->balance_interval_ms && c->balance_interval_ms < wake) wake = c->balance_interval_ms;
  int64_t next_balance = time_mono_ms() + c->balance_interval_ms;
  if (c->projects_refresh_ms && c->projects_refresh_ms < wake) wake = c->projects_refresh_ms;
  int64_t next_gc = time_mono_ms() + c->gc_interval_ms, next_lc = time_mono_ms() + c->lifecycle_interval_ms;
  int64_t next_usage = time_mono_ms() + c->projects_refresh_ms, next_sample = time_mono_ms() + c->usage_interval_ms;
  if (c->usage_interval_ms && c->usage_interval_ms < wake) wake = c->usage_interval_ms;
  pthread_mutex_lock(&s->janitor.mu);
  while (!s->janitor.stop) {
    struct timespec dl;
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_sec += wake / 1000;
    dl.tv_nsec += (wake % 1000) * 1000000;
    if (dl.tv_nsec >= 1000000000) { dl.tv_sec++; dl.tv_nsec -= 1000000000; }
    pthread_cond_timedwait(&s->janitor.cv, &s->janitor.mu, &dl);
    if (s->janitor.stop) break;
    pthread_mutex_unlock(&s->janitor.mu);
    space_guard(s->space);
    periodic(s, "trash", c->trash_interval_ms);
    if (c->lifecycle_interval_ms && time_mono_ms() >= next_lc) {
      periodic(s, "lifecycle", c->lifecycle_interval_ms);
      next_lc = time_mono_ms() + c->lifecycle_interval_ms;
    }
    if (c->balance_interval_ms && store_nvols(s->store) > 1 && time_mono_ms() >= next_balance) {
      periodic(s, "balance", c->balance_interval_ms);
      next_balance = time_mono_ms() + c->balance_interval_ms;
    }
    if (c->gc_interval_ms && time_mono_ms() >= next_gc) {
      periodic(s, "gc", c->gc_interval_ms);
      next_gc = time_mono_ms() + c->gc_interval_ms;
    }
    if (c->projects_refresh_ms && ((c->posix_root && *c->posix_root) || (c->cephfs_root && *c->cephfs_root)) &&
        time_mono_ms() >= next_usage) {
      periodic(s, "space-usage", c->projects_refresh_ms);   /* walked spaces' usage, measured again */
      next_usage = time_mono_ms() + c->projects_refresh_ms;
    }
    if (c->usage_interval_ms && time_mono_ms() >= next_sample) {
      periodic(s, "space-sample", c->usage_interval_ms);   /* every space's usage, for its history */
      next_sample = time_mono_ms() + c->usage_interval_ms;
    }
    pthread_mutex_lock(&s->janitor.mu);
  }
  pthread_mutex_unlock(&s->janitor.mu);
  return NULL;
}

void jobs_scheduler_start(svc_t *s) {
  if (s->janitor.started) return;
  s->janitor.started = 1;
  s->janitor.stop = 0;
  pthread_create(&s->janitor.thread, NULL, scheduler_main, s);
}

void jobs_scheduler_stop(svc_t *s) {
  if (!s->janitor.started) return;
  pthread_mutex_lock(&s->janitor.mu);
  s->janitor.stop = 1;
  pthread_cond_signal(&s->janitor.cv);
  pthread_mutex_unlock(&s->janitor.mu);
  pthread_join(s->janitor.thread, NULL);
  s->janitor.started = 0;
}
