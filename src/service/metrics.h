/* metrics.h - the service layer's counters for Prometheus (what gc, the trash, lifecycle and the
 * mirror did), lock-free, and the rendering of every service-side metric in the text exposition
 * format: these counters, the block store, the buffer pool, volumes, catalog sizes and tasks. */
#ifndef CAIRN_SVC_METRICS_H
#define CAIRN_SVC_METRICS_H
#include "gc.h"
#include "../util/sbuf.h"
#include <stdatomic.h>
#include <stdint.h>

struct svc_metrics {
  atomic_uint_fast64_t gc_runs, gc_trashed_blocks, gc_trashed_bytes, gc_seconds_ms, gc_last_blocks, gc_last_bytes;
  atomic_uint_fast64_t trash_runs, trash_deleted;
  atomic_uint_fast64_t direct_reads, direct_read_bytes;
  atomic_uint_fast64_t balance_runs, balance_copied, balance_copied_bytes, balance_trashed, balance_failed;   /* 307s to the store, and the bytes they spared */
  atomic_uint_fast64_t lifecycle_runs, lifecycle_deleted, lifecycle_aborted;
  atomic_uint_fast64_t mirror_hits, mirror_misses, mirror_coalesced, mirror_errors, mirror_bytes, mirror_fallbacks;
};

void metrics_gc(struct svc_metrics *m, const struct gc_report *r);
void metrics_trash(struct svc_metrics *m, uint64_t deleted);
void metrics_direct_read(struct svc_metrics *m, uint64_t bytes);
void metrics_balance(struct svc_metrics *m, const struct balance_report *r);
void metrics_lifecycle(struct svc_metrics *m, uint64_t deleted, uint64_t aborted);

#endif
