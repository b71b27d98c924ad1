/* admin.h - operator operations: users, readiness and status. Everything
 * here but readiness is for admins; each call checks that itself. */
#ifndef CAIRN_SERVICE_ADMIN_H
#define CAIRN_SERVICE_ADMIN_H
#include "svc.h"
#include "gc.h"
#include "users.h"
#include <jansson.h>

int svc_user_list(svc_t *s, const struct principal *p, meta_user_cb cb, void *ctx);
/* New user with fresh keys (answered once); CAIRN_EEXIST (also when the name still owns buckets or
 * datasets of a removed user: ownership is never inherited), CAIRN_EINVAL. */
int svc_user_create(svc_t *s, const struct principal *p, const char *name, const char *role, struct user_keys *out);
int svc_user_delete(svc_t *s, const struct principal *p, const char *name);   /* drops its block claims too */
/* Readiness: metadata answers and a volume takes writes; *why says what is wrong (static). */
int svc_ready(svc_t *s, const char **why, int *meta_ok, int *writable);
/* Store counters, buffer pool and volumes as JSON (new reference). */
int svc_status(svc_t *s, const struct principal *p, json_t **out);

int64_t svc_uptime_ms(svc_t *s);

/* Every service-side metric in the Prometheus text format, appended to out: for admins, or anyone
 * presenting metrics_token when one is configured (compared in constant time). */
int svc_metrics_text(svc_t *s, const struct principal *p, const char *token, char **out, size_t *len);

#endif
