/* alloc.h - the one allocation wrapper. Every heap allocation in cairn goes through here so tests
 * can count allocations and inject failures. Out of memory aborts (like redis zmalloc): a storage
 * gateway that cannot allocate a few bytes cannot make progress safely. */
#ifndef CAIRN_ALLOC_H
#define CAIRN_ALLOC_H
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xmalloc_aligned(size_t align, size_t n);   /* align: a power of two; freed with xfree */
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void xfree(void *p);
size_t alloc_count(void);   /* allocations made so far (for tests) */

#endif
