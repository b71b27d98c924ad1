/* metrics.c - the service layer's counters (metrics.h). */
#include "metrics.h"

void metrics_gc(struct svc_metrics *m, const struct gc_report *r) {
  atomic_fetch_add(&m->gc_runs, 1);
  atomic_fetch_add(&m->gc_trashed_blocks, r->trashed);
  atomic_fetch_add(&m->gc_trashed_bytes, r->trashed_bytes);
  atomic_fetch_add(&m->gc_seconds_ms, (uint64_t)(r->seconds * 1000));
}

void metrics_trash(struct svc_metrics *m, uint64_t deleted) {
  atomic_fetch_add(&m->trash_runs, 1);
  atomic_fetch_add(&m->trash_deleted, deleted);
}

void metrics_lifecycle(struct svc_metrics *m, uint64_t deleted, uint64_t aborted) {
  atomic_fetch_add(&m->lifecycle_runs, 1);
  atomic_fetch_add(&m->lifecycle_deleted, deleted);
  atomic_fetch_add(&m->lifecycle_aborted, aborted);
}
