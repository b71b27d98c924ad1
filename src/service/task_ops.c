/* task_ops.c - tasks as callers see them (task_ops.h). */
#include "task_ops.h"
#include "svc_internal.h"
#include "../util/err.h"
#include "../util/timeutil.h"
#include <string.h>

static json_t *time_or_null(int64_t ms) {
  if (!ms) return json_null();
  char buf[40];
  time_format_iso8601_ms(ms, buf, sizeof buf);
  return json_string(buf);
}

static json_t *task_json(const struct meta_task *t, int admin) {
  json_t *payload = t->payload ? json_loads(t->payload, 0, NULL) : NULL;
  json_t *result = t->result ? json_loads(t->result, 0, NULL) : NULL;
  json_t *err = json_null();
  if (t->error) {
    err = json_pack("{s:s}", "reason", t->error);
    if (admin && t->error_detail) json_object_set_new(err, "detail", json_string(t->error_detail));
  }
  json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:o,s:{s:I,s:I,s:s},s:o,s:o,s:i,s:i,s:b,s:o,s:o,s:o}",
                        "id", t->id, "kind", t->kind, "state", t->state, "owner", t->owner,
                        "payload", payload ? payload : json_object(),
                        "progress", "done", (json_int_t)t->done, "total", (json_int_t)t->total, "message", t->message,
                        "result", result ? result : json_null(), "error", err, "attempts", t->attempts,
                        "max_attempts", t->max_attempts, "cancel_requested", t->cancel_requested,
                        "created", time_or_null(t->created_ms), "started", time_or_null(t->started_ms),
                        "finished", time_or_null(t->finished_ms));
  if (!strcmp(t->state, "queued") && t->run_after_ms > t->created_ms)
    json_object_set_new(j, "run_after", time_or_null(t->run_after_ms));
  if (admin && t->lease_owner[0])
    json_object_set_new(j, "lease", json_pack("{s:s,s:o}", "owner", t->lease_owner, "until", time_or_null(t->lease_until_ms)));
  return j;
}

static int visible(const struct principal *p, const struct meta_task *t) {
  return p->kind == PRINCIPAL_ADMIN || (p->kind == PRINCIPAL_USER && t->owner[0] && !strcmp(p->name, t->owner));
}

static int task_ended(const char *st) { return !strcmp(st, "succeeded") || !strcmp(st, "failed") || !strcmp(st, "canceled"); }

int svc_task_get(svc_t *s, const struct principal *p, const char *id, json_t **out, int *ended) {
  if (p->kind == PRINCIPAL_ANONYMOUS) return CAIRN_EAUTH;
  struct meta_task t;
  int rc = meta_task_get(s->meta, id, &t);
  if (rc) return rc;
  if (!visible(p, &t)) { meta_task_clear(&t); return CAIRN_ENOENT; }
  *out = task_json(&t, p->kind == PRINCIPAL_ADMIN);
  if (ended) *ended = task_ended(t.state);
  meta_task_clear(&t);
  return 0;
}

struct list_ctx { const struct principal *p; json_t *arr; int n, limit; char last[33]; };

static int list_cb(void *ctx, const struct meta_task *t) {
  struct list_ctx *c = ctx;
  memcpy(c->last, t->id, sizeof c->last);
  c->n++;
  if (visible(c->p, t)) json_array_append_new(c->arr, task_json(t, c->p->kind == PRINCIPAL_ADMIN));
  return 0;
}

int svc_task_list(svc_t *s, const struct principal *p, const char *state, const char *kind, const char *after,
                  int limit, json_t **out) {
  if (p->kind == PRINCIPAL_ANONYMOUS) return CAIRN_EAUTH;
  static const char *const states[] = {"queued", "running", "succeeded", "failed", "canceled"};
  if (state) {
    int ok = 0;
    for (size_t i = 0; i < sizeof states / sizeof *states; i++) ok |= !strcmp(state, states[i]);
    if (!ok) return CAIRN_EINVAL;
  }
  if (limit < 1 || limit > 1000) limit = 100;
  struct list_ctx c = {p, json_array(), 0, limit, ""};
  int rc = meta_task_list(s->meta, state, kind, after, limit, list_cb, &c);
  if (rc) { json_decref(c.arr); return rc; }
  *out = json_pack("{s:o,s:o}", "tasks", c.arr, "next", c.n == limit ? json_string(c.last) : json_null());
  return 0;
}

int svc_task_cancel(svc_t *s, const struct principal *p, const char *id, json_t **out) {
  if (p->kind == PRINCIPAL_ANONYMOUS) return CAIRN_EAUTH;
  struct meta_task t;
  int rc = meta_task_get(s->meta, id, &t);
  if (rc) return rc;
  int ok = visible(p, &t);
  meta_task_clear(&t);
  if (!ok) return CAIRN_ENOENT;
  char state[12];
  if ((rc = tasks_cancel(s->tasks, id, state))) return rc;
  return svc_task_get(s, p, id, out, NULL);
}

uint64_t svc_task_generation(svc_t *s) { return tasks_generation(s->tasks); }
void svc_on_task_change(svc_t *s, void (*fn)(void *), void *ctx) { tasks_on_change(s->tasks, fn, ctx); }

int svc_gc_start(svc_t *s, const struct principal *p, char id[33]) {
  if (p->kind != PRINCIPAL_ADMIN) return CAIRN_EAUTH;
  int coalesced;
  return tasks_submit(s->tasks, "gc", p->name, NULL, "gc", 0, id, &coalesced);
}

int svc_balance_start(svc_t *s, const struct principal *p, char id[33]) {
  if (p->kind != PRINCIPAL_ADMIN) return CAIRN_EAUTH;
  int coalesced;
  return tasks_submit(s->tasks, "balance", p->name, NULL, "balance", 0, id, &coalesced);
}
