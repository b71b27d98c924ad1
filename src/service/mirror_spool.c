/* mirror_spool.c - a running mirror copy's bytes for streaming readers (mirror_spool.h). */
#include "mirror_spool.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct waiter { void (*wake)(void *); void *ctx; };

struct spool {
  spools_t *reg;
  char key[160];
  int fd;
  int64_t length;
  char ctype[256];
  /* under reg->mu */
  uint64_t written;
  int state;                   /* 0 running, 1 complete, -1 failed */
  int refs;                    /* the writer (until spool_finish) and every reader */
  int listed;
  struct waiter *w;            /* readers waiting for bytes (at most one per connection) */
  int nw, cap;
  struct spool *next;
};

struct spools {
  char *dir;
  pthread_mutex_t mu;          /* one lock for the registry and every spool: copies are few */
  struct spool *head;
};

spools_t *spools_create(const char *dir) {
  spools_t *r = xcalloc(1, sizeof *r);
  r->dir = xstrdup(dir);
  pthread_mutex_init(&r->mu, NULL);
  return r;
}

void spools_destroy(spools_t *r) {
  if (!r) return;
  pthread_mutex_destroy(&r->mu);
  xfree(r->dir);
  xfree(r);
}

static void unlist(spools_t *r, spool_t *s) {
  if (!s->listed) return;
  for (spool_t **pp = &r->head; *pp; pp = &(*pp)->next)
    if (*pp == s) { *pp = s->next; break; }
  s->listed = 0;
}

static void unref(spool_t *s) {   /* reg->mu held; frees s at the last reference */
  if (--s->refs > 0) return;
  unlist(s->reg, s);
  if (s->fd >= 0) close(s->fd);
  xfree(s->w);
  xfree(s);
}

/* Wakes every waiting reader; each is woken once and registers again when it waits again. */
static void wake_all(spool_t *s) {
  for (int i = 0; i < s->nw; i++) s->w[i].wake(s->w[i].ctx);
  s->nw = 0;
}

spool_t *spool_begin(spools_t *r, const char *key, int64_t length, const char *content_type) {
  int fd = open(r->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) return NULL;
  spool_t *s = xcalloc(1, sizeof *s);
  s->reg = r;
  s->fd = fd;
  s->length = length;
  snprintf(s->key, sizeof s->key, "%s", key);
  snprintf(s->ctype, sizeof s->ctype, "%s", content_type && *content_type ? content_type : "application/octet-stream");
  s->refs = 1;
  pthread_mutex_lock(&r->mu);
  for (spool_t *o = r->head; o; o = o->next)   /* an older one under the key (a lost copy): unlist it */
    if (!strcmp(o->key, key)) { unlist(r, o); break; }
  s->next = r->head;
  r->head = s;
  s->listed = 1;
  pthread_mutex_unlock(&r->mu);
  return s;
}

int spool_write(spool_t *s, const void *data, size_t n) {
  spools_t *r = s->reg;
  pthread_mutex_lock(&r->mu);
  uint64_t at = s->written;
  pthread_mutex_unlock(&r->mu);
  const char *p = data;
  size_t left = n;
  while (left) {   /* only the writer moves `written`, so [at, at+n) is ours to write unlocked */
    ssize_t w = pwrite(s->fd, p, left, (off_t)at);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return CAIRN_EIO;
    p += w;
    at += (uint64_t)w;
    left -= (size_t)w;
  }
  pthread_mutex_lock(&r->mu);
  s->written = at;
  wake_all(s);
  pthread_mutex_unlock(&r->mu);
  return 0;
}

void spool_finish(spool_t *s, int ok) {
  if (!s) return;
  spools_t *r = s->reg;
  pthread_mutex_lock(&r->mu);
  s->state = ok ? 1 : -1;
  unlist(r, s);
  wake_all(s);
  unref(s);
  pthread_mutex_unlock(&r->mu);
}

spool_t *spool_open(spools_t *r, const char *key) {
  pthread_mutex_lock(&r->mu);
  spool_t *s = r->head;
  while (s && strcmp(s->key, key)) s = s->next;
  if (s) s->refs++;
  pthread_mutex_unlock(&r->mu);
  return s;
}

int64_t spool_length(const spool_t *s) { return s->length; }
const char *spool_content_type(const spool_t *s) { return s->ctype; }

long spool_read(spool_t *s, uint64_t pos, char *buf, size_t max, void (*suspend)(void *), void (*wake)(void *),
                void *ctx) {
  spools_t *r = s->reg;
  pthread_mutex_lock(&r->mu);
  uint64_t avail = s->written;
  int state = s->state;
  if (s->length >= 0) {
    if (avail > (uint64_t)s->length) avail = (uint64_t)s->length;
    if (state != 1 && avail == (uint64_t)s->length && avail > 0) avail--;   /* the last byte waits for the check */
  }
  if (state == -1) { pthread_mutex_unlock(&r->mu); return -1; }
  if (pos >= avail) {
    if (state == 1) { pthread_mutex_unlock(&r->mu); return 0; }
    if (s->nw == s->cap) {
      s->cap = s->cap ? s->cap * 2 : 8;
      s->w = xrealloc(s->w, (size_t)s->cap * sizeof *s->w);
    }
    s->w[s->nw].wake = wake;
    s->w[s->nw].ctx = ctx;
    s->nw++;
    suspend(ctx);
    pthread_mutex_unlock(&r->mu);
    return SPOOL_WAIT;
  }
  pthread_mutex_unlock(&r->mu);
  size_t want = avail - pos < max ? (size_t)(avail - pos) : max;
  ssize_t n;
  do n = pread(s->fd, buf, want, (off_t)pos); while (n < 0 && errno == EINTR);
  return n > 0 ? (long)n : -1;
}

void spool_close(spool_t *s, void *ctx) {
  if (!s) return;
  spools_t *r = s->reg;
  pthread_mutex_lock(&r->mu);
  for (int i = 0; i < s->nw; i++)
    if (s->w[i].ctx == ctx) { s->w[i] = s->w[--s->nw]; i--; }
  unref(s);
  pthread_mutex_unlock(&r->mu);
}
