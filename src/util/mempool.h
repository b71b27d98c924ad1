/* mempool.h - a per-request arena (nginx ngx_pool_t style): small allocations that die with the
 * request, plus cleanup hooks for file descriptors and temp files, run in reverse order. */
#ifndef CAIRN_MEMPOOL_H
#define CAIRN_MEMPOOL_H
#include <stddef.h>

typedef struct mempool mempool_t;
typedef void (*mempool_cleanup_fn)(void *arg);

mempool_t *mempool_create(void);                 /* caller frees with mempool_destroy */
void mempool_destroy(mempool_t *p);              /* runs cleanups, frees every allocation */
void *mempool_alloc(mempool_t *p, size_t n);     /* zeroed, 16-byte aligned, owned by the pool */
char *mempool_strdup(mempool_t *p, const char *s);
char *mempool_strndup(mempool_t *p, const char *s, size_t n);
char *mempool_printf(mempool_t *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mempool_on_cleanup(mempool_t *p, mempool_cleanup_fn fn, void *arg);

#endif
