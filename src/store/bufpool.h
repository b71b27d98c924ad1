/* bufpool.h - the one bounded pool of transfer buffers shared by every request. Buffers are
 * allocated lazily up to `count` and then reused, so memory never exceeds count x size however
 * large the bodies. Thread-safe. */
#ifndef CAIRN_BUFPOOL_H
#define CAIRN_BUFPOOL_H
#include <stddef.h>
#include <stdint.h>

typedef struct bufpool bufpool_t;

struct bufpool_stats { size_t count, size, allocated, in_use; uint64_t waits, timeouts; };

bufpool_t *bufpool_create(size_t count, size_t size);   /* caller frees with bufpool_destroy */
void bufpool_destroy(bufpool_t *p);                    /* every buffer must be back */
/* Takes a buffer, waiting up to wait_ms; CAIRN_EBUSY when none became free in time. */
int bufpool_get(bufpool_t *p, int64_t wait_ms, void **buf);
void bufpool_put(bufpool_t *p, void *buf);
size_t bufpool_bufsize(const bufpool_t *p);
/* fn(arg) runs (outside the pool's lock) after every bufpool_put: the server wakes the requests
 * it parked while the pool was empty. */
void bufpool_on_release(bufpool_t *p, void (*fn)(void *), void *arg);
void bufpool_stats(bufpool_t *p, struct bufpool_stats *out);

#endif
