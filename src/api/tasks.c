/* tasks.c - /v1/tasks: list (?state=&kind=&after=&limit=), read one (long poll with ?wait=SECONDS
 * until it ends, woken when a task ends, not by a timer), POST /v1/tasks/<id>/cancel; and
 * POST /v1/gc, which queues a collection and answers 202 with Location: /v1/tasks/<id>. */
#include "app.h"
#include "json_body.h"
#include "../service/task_ops.h"
#include "../util/err.h"
#include "../util/timeutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WAIT_S 300

struct wait_state { double until; uint64_t gen; };

static int valid_id(const char *id) {
  size_t n = strlen(id);
  if (n < 1 || n > 32) return 0;
  for (size_t i = 0; i < n; i++) if (!strchr("0123456789abcdef", id[i])) return 0;
  return 1;
}

static int get_task(req_t *r, const struct principal *who, const char *id) {
  struct app *a = r->app;
  struct wait_state *w = r->state;
  if (w && svc_task_generation(a->svc) == w->gen && time_mono_sec() < w->until) return CAIRN_EAGAIN;
  uint64_t gen = svc_task_generation(a->svc);   /* before reading: a later end moves it */
  json_t *j;
  int ended = 0;
  int rc = svc_task_get(a->svc, who, id, &j, &ended);
  if (rc) return http_fail(r, rc, rc == CAIRN_ENOENT ? "no such task" : NULL);
  const char *ws = http_query(r, "wait");
  if (!ended && ws) {
    if (!w) {
      char *end;
      long secs = strtol(ws, &end, 10);
      if (*end || secs < 0) { json_decref(j); return http_fail(r, CAIRN_EINVAL, "wait must be a number of seconds"); }
      w = r->state = mempool_alloc(r->pool, sizeof *w);
      w->until = time_mono_sec() + (secs > MAX_WAIT_S ? MAX_WAIT_S : secs);
    }
    w->gen = gen;
    if (time_mono_sec() < w->until) { json_decref(j); return CAIRN_EAGAIN; }
  }
  return json_respond(r, 200, j);
}

static int tasks_end(req_t *r) {
  struct app *a = r->app;
  struct principal who;
  api_principal(r, &who);
  char id[64];
  const char *tail = r->tail ? r->tail : "";
  if (!strcmp(r->path, "/v1/tasks") || !*tail) {
    if (strcmp(r->method, "GET")) return http_fail(r, CAIRN_EMETHOD, NULL);
    const char *lim = http_query(r, "limit");
    json_t *j;
    int rc = svc_task_list(a->svc, &who, http_query(r, "state"), http_query(r, "kind"), http_query(r, "after"),
                           lim ? atoi(lim) : 100, &j);
    return rc ? http_fail(r, rc, rc == CAIRN_EINVAL ? "state is one of queued, running, succeeded, failed, canceled" : NULL)
              : json_respond(r, 200, j);
  }
  if (!strncmp(tail, "project/", 8) || !strncmp(tail, "user/", 5)) return api_space_task(r, tail);   /* the filer-gateway's */
  const char *slash = strchr(tail, '/');
  size_t n = slash ? (size_t)(slash - tail) : strlen(tail);
  if (n >= sizeof id) return http_fail(r, CAIRN_ENOENT, "no such task");
  memcpy(id, tail, n);
  id[n] = 0;
  if (!valid_id(id)) return http_fail(r, CAIRN_ENOENT, "no such task");
  if (!slash) {
    if (strcmp(r->method, "GET")) return http_fail(r, CAIRN_EMETHOD, NULL);
    return get_task(r, &who, id);
  }
  if (strcmp(slash, "/cancel")) return http_fail(r, CAIRN_ENOENT, "no such endpoint");
  if (strcmp(r->method, "POST")) return http_fail(r, CAIRN_EMETHOD, NULL);
  json_t *j;
  int rc = svc_task_cancel(a->svc, &who, id, &j);
  if (rc) return http_fail(r, rc, rc == CAIRN_ECONFLICT ? "the task has already ended" : rc == CAIRN_ENOENT ? "no such task" : NULL);
  return json_respond(r, 200, j);
}

/* POST /v1/gc and POST /v1/balance: queue the job (coalesced with one already queued), 202 + task */
static int gc_end(req_t *r) {
  struct app *a = r->app;
  struct principal who;
  api_principal(r, &who);
  char id[33];
  int rc = !strcmp(r->path, "/v1/balance") ? svc_balance_start(a->svc, &who, id) : svc_gc_start(a->svc, &who, id);
  if (rc) return http_fail(r, rc, NULL);
  char loc[64];
  snprintf(loc, sizeof loc, "/v1/tasks/%s", id);
  http_add_header(r, "Location", loc);
  json_t *j;
  if ((rc = svc_task_get(a->svc, &who, id, &j, NULL))) return http_fail(r, rc, NULL);
  return json_respond(r, 202, j);
}

const struct handler h_tasks = {NULL, NULL, tasks_end};
const struct handler h_gc = {NULL, NULL, gc_end};
