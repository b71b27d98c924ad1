/* svc.h - the service layer's handle: everything below api/ (metadata, block store, keys,
 * settings, the janitor) behind one opaque pointer. `cairn serve` opens it; api/ handlers reach
 * data only through the typed svc_* calls of service/, each of which authorizes its caller
 * (authz.h) before touching anything. */
#ifndef CAIRN_SVC_H
#define CAIRN_SVC_H
#include "../config/config.h"
#include "authz.h"
#include <stddef.h>

typedef struct svc svc_t;
struct user_keys;

/* Opens data_dir (keys, metadata, volumes, buffer pool). On first start creates the admin user
 * (*created = 1, keys in *admin). 0, or CAIRN_E* with err filled. */
int svc_open(const struct config *c, svc_t **out, int *created, struct user_keys *admin, char *err, size_t errlen);
void svc_close(svc_t *s);
const struct config *svc_config(const svc_t *s);
int svc_nvolumes(const svc_t *s);
/* fn(ctx) runs whenever a pool buffer is returned (the server resumes parked requests). */
void svc_on_buffer_release(svc_t *s, void (*fn)(void *), void *ctx);
/* A share of the transfer-buffer pool for p's transfer (shares.h): CAIRN_EBUSY when p's address
 * or the anonymous public already hold theirs (park and retry). svc_transfer_end(NULL) is a no-op. */
typedef struct share share_t;
int svc_transfer_begin(svc_t *s, const struct principal *p, share_t **out);
void svc_transfer_end(svc_t *s, share_t *sh);
/* Background work: the task workers (tasks.h) and the scheduler that queues trash, lifecycle and
 * gc tasks at their intervals (jobs.h). */
void svc_janitor_start(svc_t *s);
void svc_janitor_stop(svc_t *s);

/* Secret (heap, caller xfrees), role and name for an access key (SigV4 verification). */
int svc_user_secret(svc_t *s, const char *access_key, char **secret, char role[16], char name[65]);

#endif
