/* space.h - free disk space as a limit that holds when the disk fills: new writes are refused
 * (507 InsufficientStorage) once free space on the data directory or on every writable volume
 * falls below reserve_space, before anything fails half-way; and a ballast file of meta_reserve
 * bytes in the data directory is given back when the disk is nearly full, so deletes, gc, trash
 * emptying and other metadata updates still work at 0 bytes free. The ballast is put back once
 * there is room again. */
#ifndef CAIRN_SPACE_H
#define CAIRN_SPACE_H
#include "../store/store.h"
#include <stdint.h>

typedef struct space space_t;

space_t *space_create(const char *data_dir, store_t *store, uint64_t reserve, uint64_t ballast);
void space_destroy(space_t *s);
/* 0 when a write that adds bytes may start, else CAIRN_ENOSPC (with *why, static). */
int space_writes_ok(space_t *s, const char **why);
/* Before a metadata update that frees space or must work when full (deletes): gives the ballast
 * back if the disk is nearly full. */
void space_guard(space_t *s);

#endif
