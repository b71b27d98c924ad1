/* test_tasks.c - the task queue without a server: retries with backoff then success or failure,
 * permanent failures, coalescing by dedup key, cancelling queued and running tasks, and a dead
 * worker's task claimed again once its lease has expired. */
#include "test.h"
#include "fixture.h"
#include "service/tasks.h"
#include "util/alloc.h"
#include "util/err.h"
#include "util/timeutil.h"
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

static atomic_int calls;

static int flaky(void *ctx, struct task_run *run, const json_t *payload, json_t **result) {
  int fail_until = (int)json_integer_value(json_object_get(payload, "fail_until"));
  (void)ctx;
  atomic_fetch_add(&calls, 1);
  if (task_attempt(run) <= fail_until) return task_fail(run, 0, "flaky", "attempt %d of a flaky task", task_attempt(run));
  *result = json_pack("{s:i}", "attempt", task_attempt(run));
  return 0;
}

static int doomed(void *ctx, struct task_run *run, const json_t *payload, json_t **result) {
  (void)ctx; (void)payload; (void)result;
  return task_fail(run, 1, "bad input", "never worth retrying");
}

static int stubborn(void *ctx, struct task_run *run, const json_t *payload, json_t **result) {
  (void)ctx; (void)payload; (void)result;
  atomic_fetch_add(&calls, 1);
  for (int i = 0; i < 20000 && !task_canceled(run); i++) usleep(1000);   /* a long job that checks */
  return task_canceled(run) ? CAIRN_EIO : 0;
}

static struct task_kind k_flaky = {"flaky", flaky, NULL, 3, 1};
static struct task_kind k_doomed = {"doomed", doomed, NULL, 5, 1};
static struct task_kind k_stubborn = {"stubborn", stubborn, NULL, 2, 1};

static tasks_t *open_tasks(meta_t **m, int64_t lease_ms) {
  if (fixture_meta_open(m)) return NULL;
  struct tasks_opts o = {2, lease_ms, 0};
  tasks_t *t = tasks_create(*m, &o);
  tasks_register(t, &k_flaky);
  tasks_register(t, &k_doomed);
  tasks_register(t, &k_stubborn);
  return t;
}

static void retries_then_outcome(void) {
  meta_t *m;
  tasks_t *t = open_tasks(&m, 5000);
  ASSERT(t);
  tasks_start(t);
  char ok_id[33], bad_id[33], perm_id[33];
  json_t *p2 = json_pack("{s:i}", "fail_until", 2), *p9 = json_pack("{s:i}", "fail_until", 9);
  ASSERT_EQ(tasks_submit(t, "flaky", "alice", p2, NULL, 0, ok_id, NULL), 0);
  ASSERT_EQ(tasks_submit(t, "flaky", "alice", p9, NULL, 0, bad_id, NULL), 0);
  ASSERT_EQ(tasks_submit(t, "doomed", "", NULL, NULL, 0, perm_id, NULL), 0);
  ASSERT_EQ(tasks_submit(t, "no-such-kind", "", NULL, NULL, 0, perm_id, NULL), CAIRN_EINVAL);
  ASSERT_EQ(tasks_submit(t, "doomed", "", NULL, NULL, 0, perm_id, NULL), 0);
  json_decref(p2);
  json_decref(p9);
  struct meta_task r;
  int64_t deadline = time_now_ms() + 20000;
  ASSERT_EQ(tasks_wait(t, ok_id, deadline, &r), 0);
  ASSERT_STREQ(r.state, "succeeded");
  ASSERT_EQ(r.attempts, 3);
  ASSERT_STREQ(r.result, "{\"attempt\":3}");
  meta_task_clear(&r);
  ASSERT_EQ(tasks_wait(t, bad_id, deadline, &r), 0);
  ASSERT_STREQ(r.state, "failed");
  ASSERT_EQ(r.attempts, 3);
  ASSERT_STREQ(r.error, "flaky");
  ASSERT_STREQ(r.error_detail, "attempt 3 of a flaky task");
  meta_task_clear(&r);
  ASSERT_EQ(tasks_wait(t, perm_id, deadline, &r), 0);
  ASSERT_STREQ(r.state, "failed");
  ASSERT_EQ(r.attempts, 1);   /* permanent: not retried */
  meta_task_clear(&r);
  tasks_destroy(t);
  meta_close(m);
}

static void coalesce_and_cancel(void) {
  meta_t *m;
  tasks_t *t = open_tasks(&m, 5000);
  ASSERT(t);
  char a[33], b[33], c[33], state[12];
  int co = -1;
  ASSERT_EQ(tasks_submit(t, "stubborn", "", NULL, "same-work", 0, a, &co), 0);
  ASSERT_EQ(co, 0);
  ASSERT_EQ(tasks_submit(t, "stubborn", "", NULL, "same-work", 0, b, &co), 0);
  ASSERT_EQ(co, 1);
  ASSERT_STREQ(a, b);
  ASSERT_EQ(tasks_submit(t, "flaky", "", NULL, "other", 0, c, &co), 0);
  ASSERT_EQ(tasks_cancel(t, c, state), 0);   /* queued: canceled at once */
  ASSERT_STREQ(state, "canceled");
  ASSERT_EQ(tasks_cancel(t, c, state), CAIRN_ECONFLICT);
  atomic_store(&calls, 0);
  tasks_start(t);
  struct meta_task r;
  for (int i = 0; i < 2000; i++) {   /* until the stubborn task runs */
    ASSERT_EQ(meta_task_get(m, a, &r), 0);
    int running = !strcmp(r.state, "running");
    meta_task_clear(&r);
    if (running) break;
    usleep(5000);
  }
  ASSERT_EQ(tasks_cancel(t, a, state), 0);
  ASSERT_STREQ(state, "running");
  ASSERT_EQ(tasks_wait(t, a, time_now_ms() + 20000, &r), 0);
  ASSERT_STREQ(r.state, "canceled");
  meta_task_clear(&r);
  ASSERT_EQ(atomic_load(&calls), 1);   /* the canceled flaky task never ran */
  /* the key is free again once its task ended */
  ASSERT_EQ(tasks_submit(t, "flaky", "", NULL, "same-work", 0, b, &co), 0);
  ASSERT_EQ(co, 0);
  tasks_destroy(t);
  meta_close(m);
}

static void dead_worker_lease(void) {
  meta_t *m;
  tasks_t *t = open_tasks(&m, 300);
  ASSERT(t);
  char id[33];
  ASSERT_EQ(tasks_submit(t, "flaky", "", NULL, NULL, 0, id, NULL), 0);
  struct meta_task r;
  int64_t next;
  /* a worker of another process claims it and dies (never renews) */
  ASSERT_EQ(meta_task_claim(m, "dead-node", time_now_ms(), 200, &r, &next), 0);
  ASSERT_STREQ(r.id, id);
  meta_task_clear(&r);
  ASSERT_EQ(meta_task_claim(m, "other", time_now_ms(), 200, &r, &next), CAIRN_ENOENT);
  ASSERT(next > 0);   /* when its lease runs out */
  tasks_start(t);
  ASSERT_EQ(tasks_wait(t, id, time_now_ms() + 20000, &r), 0);
  ASSERT_STREQ(r.state, "succeeded");
  ASSERT_EQ(r.attempts, 2);
  meta_task_clear(&r);
  tasks_destroy(t);
  meta_close(m);
}

/* The server's own successful runs are pruned sooner than what users started. */
static void prune_routine(void) {
  meta_t *m;
  tasks_t *t = open_tasks(&m, 5000);
  ASSERT(t);
  tasks_start(t);
  char mine[33], routine[33];
  json_t *p = json_pack("{s:i}", "fail_until", 0);
  ASSERT_EQ(tasks_submit(t, "flaky", "alice", p, NULL, 0, mine, NULL), 0);
  ASSERT_EQ(tasks_submit(t, "flaky", "", p, NULL, 0, routine, NULL), 0);
  json_decref(p);
  struct meta_task row;
  ASSERT_EQ(tasks_wait(t, mine, time_now_ms() + 20000, &row), 0); meta_task_clear(&row);
  ASSERT_EQ(tasks_wait(t, routine, time_now_ms() + 20000, &row), 0); meta_task_clear(&row);
  int64_t later = time_now_ms() + 1000;
  ASSERT_EQ(meta_task_prune(m, 0, later), 1);   /* only the routine one */
  ASSERT_EQ(meta_task_get(m, routine, &row), CAIRN_ENOENT);
  ASSERT_EQ(meta_task_get(m, mine, &row), 0); meta_task_clear(&row);
  tasks_destroy(t);
  meta_close(m);
}

void suite_tasks(void) { RUN(retries_then_outcome); RUN(coalesce_and_cancel); RUN(dead_worker_lease); RUN(prune_routine); }
