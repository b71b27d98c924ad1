/* ds_views.c - an LRU of parsed manifests with reference counts (ds_views.h), under one mutex.
 * A view in use is never freed; eviction takes unused views from the cold end until the kept
 * bytes fit the budget; a view bigger than the budget is never kept (freed on its last release). */
#include "ds_views.h"
#include "../util/alloc.h"
#include <pthread.h>
#include <string.h>

struct ds_view {
  char *key;
  struct ds_manifest m;
  size_t cost;
  int refs, kept;              /* kept: in the LRU list */
  struct ds_view *prev, *next; /* prev: more recently used */
};

struct ds_views {
  pthread_mutex_t mu;
  struct ds_view *hot, *cold;
  size_t budget, bytes, entries;
};

ds_views_t *ds_views_create(size_t budget) {
  ds_views_t *c = xcalloc(1, sizeof *c);
  pthread_mutex_init(&c->mu, NULL);
  c->budget = budget;
  return c;
}

static void view_free(struct ds_view *v) {
  dsm_free(&v->m);
  xfree(v->key);
  xfree(v);
}

static void unlink_view(ds_views_t *c, struct ds_view *v) {
  if (v->prev) v->prev->next = v->next; else c->hot = v->next;
  if (v->next) v->next->prev = v->prev; else c->cold = v->prev;
  v->prev = v->next = NULL;
  v->kept = 0;
  c->bytes -= v->cost;
  c->entries--;
}

static void push_hot(ds_views_t *c, struct ds_view *v) {
  v->prev = NULL;
  v->next = c->hot;
  if (c->hot) c->hot->prev = v; else c->cold = v;
  c->hot = v;
  v->kept = 1;
  c->bytes += v->cost;
  c->entries++;
}

/* Unused views from the cold end until the budget holds (views in use stay, over budget). */
static void evict(ds_views_t *c) {
  for (struct ds_view *v = c->cold, *prev; v && c->bytes > c->budget; v = prev) {
    prev = v->prev;
    if (v->refs) continue;
    unlink_view(c, v);
    view_free(v);
  }
}

void ds_views_destroy(ds_views_t *c) {
  if (!c) return;
  while (c->hot) { struct ds_view *v = c->hot; unlink_view(c, v); view_free(v); }
  pthread_mutex_destroy(&c->mu);
  xfree(c);
}

static struct ds_view *find(ds_views_t *c, const char *key) {   /* under mu */
  struct ds_view *v = c->hot;
  while (v && strcmp(v->key, key)) v = v->next;
  return v;
}

ds_view_t *ds_views_get(ds_views_t *c, const char *key) {
  pthread_mutex_lock(&c->mu);
  struct ds_view *v = find(c, key);
  if (v) {   /* most recently used now */
    unlink_view(c, v);
    push_hot(c, v);
    v->refs++;
  }
  pthread_mutex_unlock(&c->mu);
  return v;
}

ds_view_t *ds_views_add(ds_views_t *c, const char *key, struct ds_manifest *m, size_t cost) {
  struct ds_view *mine = xcalloc(1, sizeof *mine);
  mine->key = xstrdup(key);
  mine->m = *m;
  dsm_init(m);
  mine->cost = cost;
  mine->refs = 1;
  pthread_mutex_lock(&c->mu);
  struct ds_view *v = find(c, key);
  if (v) {   /* another request parsed it first */
    v->refs++;
    pthread_mutex_unlock(&c->mu);
    view_free(mine);
    return v;
  }
  if (cost <= c->budget) {
    push_hot(c, mine);
    evict(c);
  }
  pthread_mutex_unlock(&c->mu);
  return mine;
}

const struct ds_manifest *ds_view_manifest(const ds_view_t *v) { return &v->m; }

void ds_views_release(ds_views_t *c, ds_view_t *v) {
  if (!v) return;
  pthread_mutex_lock(&c->mu);
  int gone = --v->refs == 0 && !v->kept;
  if (!gone && !v->refs) evict(c);   /* it may have been kept over budget while in use */
  pthread_mutex_unlock(&c->mu);
  if (gone) view_free(v);
}

void ds_views_stats(ds_views_t *c, size_t *entries, size_t *bytes) {
  pthread_mutex_lock(&c->mu);
  *entries = c->entries;
  *bytes = c->bytes;
  pthread_mutex_unlock(&c->mu);
}
