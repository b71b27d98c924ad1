/* cache.h - the CLI's local chunk cache (~/.cache/cairn, or $CAIRN_CACHE_DIR): blocks by id,
 * verified on every read, written temp + rename, capped at $CAIRN_CACHE_MAX bytes (default
 * 1 GiB; 0 turns it off) with the least recently used blocks evicted first. */
#ifndef CAIRN_CACHE_H
#define CAIRN_CACHE_H
#include <stddef.h>
#include <stdint.h>

struct cache { char dir[1024]; uint64_t max; int on; };

void cache_open(struct cache *c);
/* Reads block id (size bytes) into buf; 0 when present and intact (a bad copy is removed). */
int cache_get(struct cache *c, const char *id, uint64_t size, char *buf);
void cache_put(struct cache *c, const char *id, const char *data, size_t n);
/* Evicts least recently used blocks until the cache is under its cap. */
void cache_trim(struct cache *c);

#endif
