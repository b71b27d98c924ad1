/* tasks.c - the task queue's workers, the lease keeper and the waiting (see tasks.h). */
#include "tasks.h"
#include "../crypto/hash.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/hex.h"
#include "../util/log.h"
#include "../util/timeutil.h"
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_KINDS 16
#define MAX_WORKERS 64
#define MAX_HOOKS 4
#define MAX_BACKOFF_MS (10 * 60 * 1000)
#define ROUTINE_RETENTION_MS (24 * 3600 * 1000LL)

struct task_run {
  struct tasks *t;
  struct meta_task row;
  atomic_int canceled;         /* stop now: asked, lease lost, or the server stopping */
  atomic_int user_canceled;    /* asked through tasks_cancel (here or on another node) */
  pthread_mutex_t pmu;        /* guards the progress fields */
  int64_t done, total, last_write_ms;
  char message[160];
  int permanent;
  char reason[160];
  char *detail;
  struct task_run *next;      /* in t->active */
};

struct tasks {
  meta_t *m;
  struct tasks_opts o;
  const struct task_kind *kinds[MAX_KINDS];
  int nkinds;
  char node[96];
  pthread_t workers[MAX_WORKERS], keeper;
  unsigned nworkers;
  int started, stop;
  atomic_int stopping;
  pthread_mutex_t mu;
  pthread_cond_t work_cv;     /* idle workers: a task was queued */
  pthread_cond_t keeper_cv;   /* the lease keeper: only stop wakes it early */
  pthread_cond_t done_cv;     /* tasks_wait */
  uint64_t submits, gen;
  struct task_run *active;
  struct { void (*fn)(void *); void *ctx; } hooks[MAX_HOOKS];
  int nhooks;
  struct tasks_stats stats;
};

static void deadline_ts(int64_t wall_ms, struct timespec *ts) {
  ts->tv_sec = wall_ms / 1000;
  ts->tv_nsec = (wall_ms % 1000) * 1000000;
}

tasks_t *tasks_create(meta_t *m, const struct tasks_opts *o) {
  struct tasks *t = xcalloc(1, sizeof *t);
  t->m = m;
  t->o = *o;
  if (t->o.workers < 1) t->o.workers = 1;
  if (t->o.workers > MAX_WORKERS) t->o.workers = MAX_WORKERS;
  if (t->o.lease_ms < 300) t->o.lease_ms = 300;
  unsigned char rnd[4] = {0};
  crypto_random(rnd, sizeof rnd);
  char host[48] = "";
  gethostname(host, sizeof host - 1);
  char hx[9];
  hex_encode(rnd, sizeof rnd, hx);
  snprintf(t->node, sizeof t->node, "%s:%d:%s", host, (int)getpid(), hx);
  pthread_mutex_init(&t->mu, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);   /* CLOCK_REALTIME: deadlines are wall-clock lease times */
  pthread_cond_init(&t->work_cv, &ca);
  pthread_cond_init(&t->keeper_cv, &ca);
  pthread_cond_init(&t->done_cv, &ca);
  pthread_condattr_destroy(&ca);
  return t;
}

void tasks_register(tasks_t *t, const struct task_kind *k) {
  if (t->nkinds < MAX_KINDS) t->kinds[t->nkinds++] = k;
}

const char *tasks_node(const tasks_t *t) { return t->node; }

static const struct task_kind *find_kind(tasks_t *t, const char *name) {
  for (int i = 0; i < t->nkinds; i++) if (!strcmp(t->kinds[i]->name, name)) return t->kinds[i];
  return NULL;
}

/* Something ended or was queued: wake workers, waiters and the hooks. */
static void notify(tasks_t *t, int submitted) {
  pthread_mutex_lock(&t->mu);
  t->gen++;
  if (submitted) { t->submits++; pthread_cond_signal(&t->work_cv); }
  pthread_cond_broadcast(&t->done_cv);
  int n = t->nhooks;
  pthread_mutex_unlock(&t->mu);
  for (int i = 0; i < n; i++) t->hooks[i].fn(t->hooks[i].ctx);
}

void tasks_poke(tasks_t *t) { notify(t, 0); }
void tasks_remote_change(tasks_t *t) { notify(t, 1); }

uint64_t tasks_generation(tasks_t *t) {
  pthread_mutex_lock(&t->mu);
  uint64_t g = t->gen;
  pthread_mutex_unlock(&t->mu);
  return g;
}

void tasks_on_change(tasks_t *t, void (*fn)(void *), void *ctx) {
  pthread_mutex_lock(&t->mu);
  if (t->nhooks < MAX_HOOKS) { t->hooks[t->nhooks].fn = fn; t->hooks[t->nhooks].ctx = ctx; t->nhooks++; }
  pthread_mutex_unlock(&t->mu);
}

void tasks_stats(tasks_t *t, struct tasks_stats *out) {
  pthread_mutex_lock(&t->mu);
  *out = t->stats;
  pthread_mutex_unlock(&t->mu);
}

int tasks_submit(tasks_t *t, const char *kind, const char *owner, const json_t *payload, const char *dedup_key,
                 int64_t delay_ms, char id[33], int *coalesced) {
  const struct task_kind *k = find_kind(t, kind);
  if (!k) return CAIRN_EINVAL;
  struct meta_task row;
  memset(&row, 0, sizeof row);
  /* ids sort by creation: 12 hex digits of milliseconds, then 8 random bytes */
  unsigned char rnd[8];
  if (crypto_random(rnd, sizeof rnd)) return CAIRN_EIO;
  int64_t now = time_now_ms();
  char hx[17];
  hex_encode(rnd, sizeof rnd, hx);
  snprintf(row.id, sizeof row.id, "%012llx%s", (unsigned long long)now & 0xffffffffffffULL, hx);
  snprintf(row.kind, sizeof row.kind, "%s", kind);
  snprintf(row.owner, sizeof row.owner, "%s", owner ? owner : "");
  row.payload = payload ? json_dumps(payload, JSON_COMPACT) : xstrdup("{}");
  row.dedup_key = (char *)dedup_key;
  row.max_attempts = k->max_attempts;
  row.created_ms = now;
  row.run_after_ms = now + (delay_ms > 0 ? delay_ms : 0);
  int rc = meta_task_add(t->m, &row);
  if (coalesced) *coalesced = rc == CAIRN_EEXIST;
  if (rc == CAIRN_EEXIST) rc = 0;
  if (!rc) memcpy(id, row.id, 33);
  free(row.payload);
  if (!rc) notify(t, 1);
  return rc;
}

int tasks_cancel(tasks_t *t, const char *id, char state[12]) {
  int rc = meta_task_cancel(t->m, id, time_now_ms(), state);
  if (rc) return rc;
  pthread_mutex_lock(&t->mu);
  for (struct task_run *r = t->active; r; r = r->next)
    if (!strcmp(r->row.id, id)) { atomic_store(&r->user_canceled, 1); atomic_store(&r->canceled, 1); }
  pthread_mutex_unlock(&t->mu);
  if (!strcmp(state, "canceled")) notify(t, 0);
  return 0;
}

static int ended(const char *state) {
  return !strcmp(state, "succeeded") || !strcmp(state, "failed") || !strcmp(state, "canceled");
}

int tasks_wait(tasks_t *t, const char *id, int64_t deadline_ms, struct meta_task *out) {
  for (;;) {
    uint64_t g = tasks_generation(t);
    int rc = meta_task_get(t->m, id, out);
    if (rc || ended(out->state) || time_now_ms() >= deadline_ms) return rc;
    meta_task_clear(out);
    struct timespec ts;   /* another node's changes wake us through meta_listen; look again now and then anyway */
    int64_t slice = meta_shared(t->m) ? time_now_ms() + 2000 : deadline_ms;
    deadline_ts(slice < deadline_ms ? slice : deadline_ms, &ts);
    pthread_mutex_lock(&t->mu);
    while (t->gen == g && !t->stop && pthread_cond_timedwait(&t->done_cv, &t->mu, &ts) == 0) {}
    pthread_mutex_unlock(&t->mu);
  }
}

/* ---- handler side ---- */

const char *task_id(const struct task_run *r) { return r->row.id; }
int task_attempt(const struct task_run *r) { return r->row.attempts; }
int task_last_attempt(const struct task_run *r) { return r->row.attempts >= r->row.max_attempts; }

int task_canceled(struct task_run *r) { return atomic_load(&r->canceled); }

void task_progress(struct task_run *r, int64_t done, int64_t total, const char *message) {
  int64_t now = time_now_ms();
  pthread_mutex_lock(&r->pmu);
  r->done = done;
  r->total = total;
  if (message) snprintf(r->message, sizeof r->message, "%s", message);
  int write = now - r->last_write_ms >= 1000;
  if (write) r->last_write_ms = now;
  char msg[160];
  memcpy(msg, r->message, sizeof msg);
  pthread_mutex_unlock(&r->pmu);
  if (!write) return;
  int rc = meta_task_renew(r->t->m, r->row.id, r->t->node, now + r->t->o.lease_ms, done, total, msg);
  if (rc == 1) atomic_store(&r->user_canceled, 1);
  if (rc != 0 && rc != CAIRN_EDB) atomic_store(&r->canceled, 1);   /* asked to stop, or the lease is lost */
}

int task_fail(struct task_run *r, int permanent, const char *reason, const char *detail_fmt, ...) {
  r->permanent = permanent;
  snprintf(r->reason, sizeof r->reason, "%s", reason);
  free(r->detail);
  va_list ap;
  va_start(ap, detail_fmt);
  if (vasprintf(&r->detail, detail_fmt, ap) < 0) r->detail = NULL;
  va_end(ap);
  return CAIRN_EIO;
}

/* ---- workers ---- */

static void run_one(tasks_t *t, struct meta_task *row) {
  const struct task_kind *k = find_kind(t, row->kind);
  struct task_run *r = xcalloc(1, sizeof *r);
  r->t = t;
  r->row = *row;   /* takes the heap strings */
  pthread_mutex_init(&r->pmu, NULL);
  r->done = row->done;
  r->total = row->total;
  r->last_write_ms = time_now_ms();
  pthread_mutex_lock(&t->mu);
  r->next = t->active;
  t->active = r;
  t->stats.started++;
  pthread_mutex_unlock(&t->mu);
  if (row->cancel_requested) { atomic_store(&r->user_canceled, 1); atomic_store(&r->canceled, 1); }

  json_t *result = NULL;
  int rc;
  double t0 = time_mono_sec();
  if (!k) {
    rc = task_fail(r, 1, "unknown task kind", "no handler for kind %s on node %s", row->kind, t->node);
  } else if (atomic_load(&r->canceled)) {
    rc = CAIRN_EIO;
  } else {
    json_t *payload = json_loads(r->row.payload ? r->row.payload : "{}", 0, NULL);
    rc = k->fn(k->ctx, r, payload ? payload : json_object(), &result);
    json_decref(payload);
  }
  double secs = time_mono_sec() - t0;

  pthread_mutex_lock(&t->mu);
  for (struct task_run **pp = &t->active; *pp; pp = &(*pp)->next)
    if (*pp == r) { *pp = r->next; break; }
  pthread_mutex_unlock(&t->mu);

  struct meta_task fin = r->row;
  fin.result = fin.error = fin.error_detail = NULL;
  fin.done = r->done;
  fin.total = r->total;
  memcpy(fin.message, r->message, sizeof fin.message);
  int64_t now = time_now_ms();
  fin.finished_ms = now;
  fin.run_after_ms = r->row.run_after_ms;
  char *res = NULL;
  const char *outcome;
  if (!rc) {
    outcome = "succeeded";
    res = result ? json_dumps(result, JSON_COMPACT) : NULL;
    fin.result = res;
  } else if (atomic_load(&r->user_canceled)) {
    outcome = "canceled";
    fin.error = "canceled";
  } else if (atomic_load(&t->stopping)) {   /* the server is stopping: back in the queue, due now */
    outcome = "queued";
    fin.error = "interrupted by a server shutdown";
    fin.finished_ms = 0;
  } else {
    fin.error = (char *)(*r->reason ? r->reason : cairn_strerror(rc));
    fin.error_detail = r->detail;
    int attempts_left = k && r->row.attempts < r->row.max_attempts;
    if (r->permanent || !attempts_left) {
      outcome = "failed";
    } else {
      outcome = "queued";
      int64_t backoff = k->backoff_ms > 0 ? k->backoff_ms : 1000;
      for (int i = 1; i < r->row.attempts && backoff < MAX_BACKOFF_MS; i++) backoff *= 2;
      if (backoff > MAX_BACKOFF_MS) backoff = MAX_BACKOFF_MS;
      fin.run_after_ms = now + backoff;
      fin.finished_ms = 0;
    }
  }
  snprintf(fin.state, sizeof fin.state, "%s", outcome);
  snprintf(fin.lease_owner, sizeof fin.lease_owner, "%s", t->node);
  int frc = meta_task_finish(t->m, &fin);
  if (frc) LOGW("task %s (%s): could not record its end (%s): %s", r->row.id, r->row.kind, outcome, cairn_strerror(frc));
  else if (!strcmp(outcome, "failed") || !strcmp(outcome, "queued"))
    LOGW("task %s (%s) attempt %d: %s%s%s", r->row.id, r->row.kind, r->row.attempts, fin.error,
         r->detail ? ": " : "", r->detail ? r->detail : "");
  free(res);
  json_decref(result);

  pthread_mutex_lock(&t->mu);
  t->stats.seconds_sum += secs;
  if (!strcmp(outcome, "succeeded")) t->stats.succeeded++;
  else if (!strcmp(outcome, "failed")) t->stats.failed++;
  else if (!strcmp(outcome, "canceled")) t->stats.canceled++;
  else t->stats.retried++;
  pthread_mutex_unlock(&t->mu);
  notify(t, !strcmp(outcome, "queued"));

  free(r->detail);
  meta_task_clear(&r->row);
  pthread_mutex_destroy(&r->pmu);
  xfree(r);
}

static void *worker_main(void *arg) {
  tasks_t *t = arg;
  pthread_mutex_lock(&t->mu);
  while (!t->stop) {
    uint64_t seen = t->submits;
    pthread_mutex_unlock(&t->mu);
    struct meta_task row;
    int64_t next = 0, now = time_now_ms();
    int rc = meta_task_claim(t->m, t->node, now, t->o.lease_ms, &row, &next);
    if (!rc) {
      run_one(t, &row);
      pthread_mutex_lock(&t->mu);
      continue;
    }
    /* nothing due: sleep until the next due task or lease expiry, or a submit */
    int64_t until = now + (meta_shared(t->m) ? 5000 : 60000);   /* other nodes' submits wake us by meta_listen */
    if (rc != CAIRN_ENOENT) until = now + 1000;
    else if (next && next < until) until = next + 1;
    struct timespec ts;
    deadline_ts(until, &ts);
    pthread_mutex_lock(&t->mu);
    while (!t->stop && t->submits == seen && pthread_cond_timedwait(&t->work_cv, &t->mu, &ts) == 0) {}
  }
  pthread_mutex_unlock(&t->mu);
  return NULL;
}

/* Renews the lease of every task running here, a third of a lease before it would run out. */
static void *keeper_main(void *arg) {
  tasks_t *t = arg;
  pthread_mutex_lock(&t->mu);
  while (!t->stop) {
    struct timespec ts;
    deadline_ts(time_now_ms() + t->o.lease_ms / 3, &ts);
    pthread_cond_timedwait(&t->keeper_cv, &t->mu, &ts);
    if (t->stop) break;
    char ids[MAX_WORKERS][33];
    int n = 0;
    for (struct task_run *r = t->active; r && n < MAX_WORKERS; r = r->next) memcpy(ids[n++], r->row.id, 33);
    pthread_mutex_unlock(&t->mu);
    for (int i = 0; i < n; i++) {
      int64_t done = 0, total = 0;
      char msg[160] = "";
      pthread_mutex_lock(&t->mu);
      for (struct task_run *r = t->active; r; r = r->next)
        if (!strcmp(r->row.id, ids[i])) {
          pthread_mutex_lock(&r->pmu);
          done = r->done; total = r->total;
          memcpy(msg, r->message, sizeof msg);
          pthread_mutex_unlock(&r->pmu);
        }
      pthread_mutex_unlock(&t->mu);
      int rc = meta_task_renew(t->m, ids[i], t->node, time_now_ms() + t->o.lease_ms, done, total, msg);
      if (rc == 1 || rc == CAIRN_ENOENT) {
        pthread_mutex_lock(&t->mu);
        for (struct task_run *r = t->active; r; r = r->next)
          if (!strcmp(r->row.id, ids[i])) {
            if (rc == 1) atomic_store(&r->user_canceled, 1);
            atomic_store(&r->canceled, 1);
          }
        pthread_mutex_unlock(&t->mu);
      }
    }
    if (t->o.retention_ms > 0) {   /* the scheduled runs that went well are kept a day at most: thousands a day */
      int64_t now = time_now_ms(), routine = t->o.retention_ms < ROUTINE_RETENTION_MS ? t->o.retention_ms : ROUTINE_RETENTION_MS;
      meta_task_prune(t->m, now - t->o.retention_ms, now - routine);
    }
    pthread_mutex_lock(&t->mu);
  }
  pthread_mutex_unlock(&t->mu);
  return NULL;
}

void tasks_start(tasks_t *t) {
  if (t->started) return;
  t->started = 1;
  t->stop = 0;
  atomic_store(&t->stopping, 0);
  for (t->nworkers = 0; t->nworkers < t->o.workers; t->nworkers++)
    pthread_create(&t->workers[t->nworkers], NULL, worker_main, t);
  pthread_create(&t->keeper, NULL, keeper_main, t);
}

void tasks_stop(tasks_t *t) {
  if (!t->started) return;
  atomic_store(&t->stopping, 1);
  pthread_mutex_lock(&t->mu);
  t->stop = 1;
  for (struct task_run *r = t->active; r; r = r->next) atomic_store(&r->canceled, 1);
  pthread_cond_broadcast(&t->work_cv);
  pthread_cond_broadcast(&t->keeper_cv);
  pthread_cond_broadcast(&t->done_cv);
  pthread_mutex_unlock(&t->mu);
  for (unsigned i = 0; i < t->nworkers; i++) pthread_join(t->workers[i], NULL);
  pthread_join(t->keeper, NULL);
  t->started = 0;
}

void tasks_destroy(tasks_t *t) {
  if (!t) return;
  tasks_stop(t);
  pthread_mutex_destroy(&t->mu);
  pthread_cond_destroy(&t->work_cv);
  pthread_cond_destroy(&t->keeper_cv);
  pthread_cond_destroy(&t->done_cv);
  xfree(t);
}
