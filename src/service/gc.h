/* gc.h - garbage collection of blocks: mark every block named by a root (object manifests and
 * the parts of uploads in progress), then move each unmarked block older than gc_grace to the
 * trash, where it stays recoverable for trash_lifetime. Never reference counts. The grace period
 * protects uploads in flight: their new blocks, and the existing ones they deduplicate against
 * (a dedup hit touches the block), are younger than it. */
#ifndef CAIRN_GC_H
#define CAIRN_GC_H
#include "../meta/meta.h"
#include "../store/store.h"

struct gc_report { uint64_t referenced, blocks, bytes, trashed, trashed_bytes, kept_young; double seconds; };   /* blocks, bytes: all seen */

int gc_run(meta_t *m, store_t *s, int64_t grace_ms, struct gc_report *rep);

#endif
