/* task_ops.h - tasks as callers see them: read, list, cancel and long-poll a task, and start a
 * garbage collection as one. A user sees the tasks it asked for; admins see every task and the
 * private error detail and lease of each. Tasks are answered as JSON objects. */
#ifndef CAIRN_TASK_OPS_H
#define CAIRN_TASK_OPS_H
#include "svc.h"
#include <jansson.h>
#include <stdint.h>

/* The task as JSON (new reference); CAIRN_ENOENT when unknown or not the caller's. *ended: 1 when
 * it is succeeded, failed or canceled. */
int svc_task_get(svc_t *s, const struct principal *p, const char *id, json_t **out, int *ended);
/* {"tasks": [...], "next": id or null}: newest first, at most limit, before `after`. state/kind
 * may be NULL; an unknown state is CAIRN_EINVAL. */
int svc_task_list(svc_t *s, const struct principal *p, const char *state, const char *kind, const char *after,
                  int limit, json_t **out);
int svc_task_cancel(svc_t *s, const struct principal *p, const char *id, json_t **out);   /* ECONFLICT when ended */
/* Moves whenever a task ends here; fn(ctx) is called then (resume long polls). */
uint64_t svc_task_generation(svc_t *s);
void svc_on_task_change(svc_t *s, void (*fn)(void *), void *ctx);
/* Queues a garbage collection now (admin); coalesces with one already queued or running. */
int svc_gc_start(svc_t *s, const struct principal *p, char id[33]);
/* Queues a balance (replication and rebalancing of blocks over the volumes; admin). */
int svc_balance_start(svc_t *s, const struct principal *p, char id[33]);

#endif
