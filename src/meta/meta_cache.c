/* meta_cache.c - the user and bucket cache (see meta_cache.h): direct-mapped slots by a hash of
 * the name, deep copies in and out under one mutex. */
#include "meta_cache.h"
#include "../util/alloc.h"
#include "../util/timeutil.h"
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#define USER_SLOTS 64
#define BUCKET_SLOTS 256
/* Writes by another process (`cairn user rm --data` while the server runs) bump no generation
 * here: an entry is trusted for this long at most. */
#define ENTRY_MS 1000

struct meta_cache {
  pthread_mutex_t mu;
  atomic_uint_fast64_t users_gen, buckets_gen;
  struct { int used; uint64_t gen; int64_t at; struct meta_user u; } users[USER_SLOTS];
  struct { int used; uint64_t gen; int64_t at; struct meta_bucket b; } buckets[BUCKET_SLOTS];
};

static unsigned slot_of(const char *s, unsigned n) {
  uint32_t h = 2166136261u;   /* FNV-1a */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
  return h % n;
}

static char *dup_or_null(const char *s) { return s ? xstrdup(s) : NULL; }

static void copy_user(struct meta_user *dst, const struct meta_user *src) {
  *dst = *src;
  dst->secret_sealed = dup_or_null(src->secret_sealed);
}

static void copy_bucket(struct meta_bucket *dst, const struct meta_bucket *src) {
  *dst = *src;
  dst->grants = dup_or_null(src->grants);
  dst->policy = dup_or_null(src->policy);
  dst->lifecycle = dup_or_null(src->lifecycle);
  dst->access_block = dup_or_null(src->access_block);
  dst->ownership = dup_or_null(src->ownership);
}

meta_cache_t *meta_cache_new(void) {
  meta_cache_t *c = xcalloc(1, sizeof *c);
  pthread_mutex_init(&c->mu, NULL);
  atomic_init(&c->users_gen, 1);
  atomic_init(&c->buckets_gen, 1);
  return c;
}

void meta_cache_free(meta_cache_t *c) {
  if (!c) return;
  for (int i = 0; i < USER_SLOTS; i++) if (c->users[i].used) meta_user_clear(&c->users[i].u);
  for (int i = 0; i < BUCKET_SLOTS; i++) if (c->buckets[i].used) meta_bucket_clear(&c->buckets[i].b);
  pthread_mutex_destroy(&c->mu);
  xfree(c);
}

uint64_t meta_cache_users_gen(meta_cache_t *c) { return atomic_load(&c->users_gen); }
uint64_t meta_cache_buckets_gen(meta_cache_t *c) { return atomic_load(&c->buckets_gen); }
void meta_cache_users_changed(meta_cache_t *c) { atomic_fetch_add(&c->users_gen, 1); }
void meta_cache_buckets_changed(meta_cache_t *c) { atomic_fetch_add(&c->buckets_gen, 1); }

int meta_cache_user_get(meta_cache_t *c, const char *access_key, struct meta_user *out) {
  unsigned i = slot_of(access_key, USER_SLOTS);
  pthread_mutex_lock(&c->mu);
  int hit = c->users[i].used && c->users[i].gen == atomic_load(&c->users_gen) &&
            time_mono_ms() - c->users[i].at < ENTRY_MS && !strcmp(c->users[i].u.access_key, access_key);
  if (hit) copy_user(out, &c->users[i].u);
  pthread_mutex_unlock(&c->mu);
  return hit;
}

int meta_cache_bucket_get(meta_cache_t *c, const char *name, struct meta_bucket *out) {
  unsigned i = slot_of(name, BUCKET_SLOTS);
  pthread_mutex_lock(&c->mu);
  int hit = c->buckets[i].used && c->buckets[i].gen == atomic_load(&c->buckets_gen) &&
            time_mono_ms() - c->buckets[i].at < ENTRY_MS && !strcmp(c->buckets[i].b.name, name);
  if (hit) copy_bucket(out, &c->buckets[i].b);
  pthread_mutex_unlock(&c->mu);
  return hit;
}

void meta_cache_user_put(meta_cache_t *c, uint64_t gen, const struct meta_user *u) {
  unsigned i = slot_of(u->access_key, USER_SLOTS);
  pthread_mutex_lock(&c->mu);
  if (gen == atomic_load(&c->users_gen)) {   /* nothing changed while it was read */
    if (c->users[i].used) meta_user_clear(&c->users[i].u);
    copy_user(&c->users[i].u, u);
    c->users[i].gen = gen;
    c->users[i].at = time_mono_ms();
    c->users[i].used = 1;
  }
  pthread_mutex_unlock(&c->mu);
}

void meta_cache_bucket_put(meta_cache_t *c, uint64_t gen, const struct meta_bucket *b) {
  unsigned i = slot_of(b->name, BUCKET_SLOTS);
  pthread_mutex_lock(&c->mu);
  if (gen == atomic_load(&c->buckets_gen)) {
    if (c->buckets[i].used) meta_bucket_clear(&c->buckets[i].b);
    copy_bucket(&c->buckets[i].b, b);
    c->buckets[i].gen = gen;
    c->buckets[i].at = time_mono_ms();
    c->buckets[i].used = 1;
  }
  pthread_mutex_unlock(&c->mu);
}
