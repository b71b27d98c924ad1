/* meta_cache.h - users by access key and buckets by name, kept in memory for the lookups every
 * request makes (meta_user_by_key, meta_bucket_get), on a database no other node writes. Every
 * write to users or buckets through this process bumps a generation that invalidates them all;
 * an entry read while a write was under way is never kept; and none is used past a second (other
 * processes on the same file, such as `cairn user rm --data`, take effect within it). */
#ifndef CAIRN_META_CACHE_H
#define CAIRN_META_CACHE_H
#include "meta.h"
#include <stdint.h>

typedef struct meta_cache meta_cache_t;

meta_cache_t *meta_cache_new(void);
void meta_cache_free(meta_cache_t *c);
/* The generations to pass to the *_put calls: take them before reading the database. */
uint64_t meta_cache_users_gen(meta_cache_t *c);
uint64_t meta_cache_buckets_gen(meta_cache_t *c);
void meta_cache_users_changed(meta_cache_t *c);
void meta_cache_buckets_changed(meta_cache_t *c);
/* 1 and a deep copy in *out (meta_user_clear / meta_bucket_clear), or 0. */
int meta_cache_user_get(meta_cache_t *c, const char *access_key, struct meta_user *out);
int meta_cache_bucket_get(meta_cache_t *c, const char *name, struct meta_bucket *out);
/* Keeps a copy of what was read, unless the generation moved since gen was taken. */
void meta_cache_user_put(meta_cache_t *c, uint64_t gen, const struct meta_user *u);
void meta_cache_bucket_put(meta_cache_t *c, uint64_t gen, const struct meta_bucket *b);

#endif
