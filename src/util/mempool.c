/* mempool.c - arena allocator: chunks of 4 KiB (bigger requests get their own chunk). */
#include "mempool.h"
#include "alloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MEMPOOL_CHUNK 4096

struct chunk { struct chunk *next; size_t used, cap; unsigned char data[]; };
struct cleanup { struct cleanup *next; mempool_cleanup_fn fn; void *arg; };
struct mempool { struct chunk *chunks; struct cleanup *cleanups; };

mempool_t *mempool_create(void) { return xcalloc(1, sizeof(mempool_t)); }

void mempool_destroy(mempool_t *p) {
  if (!p) return;
  for (struct cleanup *c = p->cleanups; c; c = c->next) c->fn(c->arg);
  struct chunk *ch = p->chunks;
  while (ch) { struct chunk *n = ch->next; xfree(ch); ch = n; }
  /* cleanup records live in chunks, already freed */
  xfree(p);
}

void *mempool_alloc(mempool_t *p, size_t n) {
  n = (n + 15) & ~(size_t)15;
  struct chunk *ch = p->chunks;
  if (!ch || ch->cap - ch->used < n) {
    size_t cap = n > MEMPOOL_CHUNK ? n : MEMPOOL_CHUNK;
    ch = xmalloc(sizeof *ch + cap);
    ch->used = 0;
    ch->cap = cap;
    if (p->chunks && n > MEMPOOL_CHUNK) {   /* keep the current small chunk at the head */
      ch->next = p->chunks->next;
      p->chunks->next = ch;
    } else {
      ch->next = p->chunks;
      p->chunks = ch;
    }
  }
  void *r = ch->data + ch->used;
  ch->used += n;
  memset(r, 0, n);
  return r;
}

char *mempool_strndup(mempool_t *p, const char *s, size_t n) {
  size_t len = strnlen(s, n);
  char *d = mempool_alloc(p, len + 1);
  memcpy(d, s, len);
  return d;
}

char *mempool_strdup(mempool_t *p, const char *s) { return mempool_strndup(p, s, strlen(s)); }

char *mempool_printf(mempool_t *p, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *s = mempool_alloc(p, (size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return s;
}

void mempool_on_cleanup(mempool_t *p, mempool_cleanup_fn fn, void *arg) {
  struct cleanup *c = mempool_alloc(p, sizeof *c);
  c->fn = fn;
  c->arg = arg;
  c->next = p->cleanups;
  p->cleanups = c;
}
