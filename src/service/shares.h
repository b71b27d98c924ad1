/* shares.h - fair use of the transfer-buffer pool: at most buffers_per_client transfers holding
 * pool buffers at once from one client address, and at most buffers_anonymous for anonymous
 * requests together, so neither one address nor the anonymous public can drain the pool that
 * every other client needs. A transfer takes a share before it takes buffers and gives it back
 * when it ends. */
#ifndef CAIRN_SHARES_H
#define CAIRN_SHARES_H
#include "authz.h"

typedef struct shares shares_t;
typedef struct share share_t;

shares_t *shares_create(unsigned per_client, unsigned anonymous);
void shares_destroy(shares_t *s);
/* A share for p's transfer, or CAIRN_EBUSY (wait and retry, like an empty pool). */
int shares_take(shares_t *s, const struct principal *p, share_t **out);
/* Gives it back and runs the release hook (parked requests retry). NULL is a no-op. */
void shares_release(shares_t *s, share_t *sh);
void shares_on_release(shares_t *s, void (*fn)(void *), void *arg);

#endif
