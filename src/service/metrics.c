/* metrics.c - the service layer's counters, and every service-side metric rendered in the
 * Prometheus text format (metrics.h, admin.h). */
#include "metrics.h"

void metrics_gc(struct svc_metrics *m, const struct gc_report *r) {
  atomic_fetch_add(&m->gc_runs, 1);
  atomic_store(&m->gc_last_blocks, r->blocks);
  atomic_store(&m->gc_last_bytes, r->bytes);
  atomic_fetch_add(&m->gc_trashed_blocks, r->trashed);
  atomic_fetch_add(&m->gc_trashed_bytes, r->trashed_bytes);
  atomic_fetch_add(&m->gc_seconds_ms, (uint64_t)(r->seconds * 1000));
}

void metrics_balance(struct svc_metrics *m, const struct balance_report *r) {
  atomic_fetch_add(&m->balance_runs, 1);
  atomic_fetch_add(&m->balance_copied, r->copied);
  atomic_fetch_add(&m->balance_copied_bytes, r->copied_bytes);
  atomic_fetch_add(&m->balance_trashed, r->trashed);
  atomic_fetch_add(&m->balance_failed, r->failed);
}

void metrics_direct_read(struct svc_metrics *m, uint64_t bytes) {
  atomic_fetch_add(&m->direct_reads, 1);
  atomic_fetch_add(&m->direct_read_bytes, bytes);
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

/* ---- rendering ---- */
#include "admin.h"
#include "svc_internal.h"
#include "../crypto/hash.h"
#include "../util/err.h"
#include "../util/timeutil.h"
#include "../volume/volume.h"
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

static void metric(sbuf_t *o, const char *name, const char *type, const char *help) {
  sbuf_printf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void one(sbuf_t *o, const char *name, const char *type, const char *help, unsigned long long v) {
  metric(o, name, type, help);
  sbuf_printf(o, "%s %llu\n", name, v);
}

#define LOAD(x) ((unsigned long long)atomic_load(&(x)))

struct task_lines { sbuf_t *o; };
static int task_count_line(void *ctx, const char *kind, const char *state, uint64_t n) {
  struct task_lines *t = ctx;
  sbuf_printf(t->o, "cairn_tasks{kind=\"%s\",state=\"%s\"} %llu\n", kind, state, (unsigned long long)n);
  return 0;
}

/* Label values are escaped as the text format asks (backslash, quote, newline). */
static void label_value(sbuf_t *o, const char *v) {
  for (; *v; v++) {
    if (*v == '\\' || *v == '"') { sbuf_addc(o, '\\'); sbuf_addc(o, *v); }
    else if (*v == '\n') sbuf_adds(o, "\\n");
    else sbuf_addc(o, *v);
  }
}

/* Per-space gauges: three lines each, then the count by kind. */
struct space_lines { sbuf_t *o; int which; uint64_t projects, homes; uint64_t total[3][2]; };   /* [system][quota, used] */
static int space_line(void *ctx, const struct meta_space *sp) {
  struct space_lines *l = ctx;
  static const char *names[] = {"cairn_space_quota_bytes", "cairn_space_used_bytes", "cairn_space_logical_bytes"};
  uint64_t v = l->which == 0 ? sp->quota_bytes : l->which == 1 ? sp->used_bytes : sp->logical_bytes;
  sbuf_printf(l->o, "%s{kind=\"%s\",id=\"", names[l->which], sp->kind);
  label_value(l->o, sp->id);
  sbuf_printf(l->o, "\",system=\"%s\"} %llu\n", sp->system, (unsigned long long)v);
  if (!l->which) {
    if (!strcmp(sp->kind, "project")) l->projects++; else l->homes++;
    int sys = !strcmp(sp->system, "cairn") ? 0 : !strcmp(sp->system, "posix") ? 1 : 2;
    l->total[sys][0] += sp->quota_bytes;
    l->total[sys][1] += sp->used_bytes;
  }
  return 0;
}

static void space_metrics(svc_t *s, sbuf_t *o) {
  static const char *help[] = {"A project's or home's quota.", "Bytes a space's blocks take, each shared block once.",
                               "Bytes clients stored in a space, before deduplication."};
  static const char *names[] = {"cairn_space_quota_bytes", "cairn_space_used_bytes", "cairn_space_logical_bytes"};
  struct space_lines l = {o, 0, 0, 0, {{0}}};
  for (l.which = 0; l.which < 3; l.which++) {
    metric(o, names[l.which], "gauge", help[l.which]);
    meta_space_list(s->meta, "project", space_line, &l);
    meta_space_list(s->meta, "home", space_line, &l);
  }
  static const char *systems[] = {"cairn", "posix", "cephfs"};
  metric(o, "cairn_storage_quota_bytes", "gauge", "The spaces' quotas added up, by storage system.");
  for (int i = 0; i < 3; i++) sbuf_printf(o, "cairn_storage_quota_bytes{system=\"%s\"} %llu\n", systems[i], (unsigned long long)l.total[i][0]);
  metric(o, "cairn_storage_used_bytes", "gauge", "The spaces' usage added up, by storage system.");
  for (int i = 0; i < 3; i++) sbuf_printf(o, "cairn_storage_used_bytes{system=\"%s\"} %llu\n", systems[i], (unsigned long long)l.total[i][1]);
  metric(o, "cairn_spaces", "gauge", "Project and home spaces.");
  sbuf_printf(o, "cairn_spaces{kind=\"project\"} %llu\ncairn_spaces{kind=\"home\"} %llu\n",
              (unsigned long long)l.projects, (unsigned long long)l.homes);
}

static int token_ok(const char *want, const char *got) {
  if (!*want || !got) return 0;
  uint8_t a[32], b[32];
  sha256(want, strlen(want), a);
  sha256(got, strlen(got), b);
  return CRYPTO_memcmp(a, b, 32) == 0;
}

int svc_metrics_text(svc_t *s, const struct principal *p, const char *token, char **out, size_t *len) {
  if (p->kind != PRINCIPAL_ADMIN && !token_ok(s->cfg->metrics_token, token))
    return CAIRN_EAUTH;
  sbuf_t b = {0}, *o = &b;
  struct svc_metrics *m = &s->metrics;
  struct store_stats st;
  store_get_stats(s->store, &st);
  one(o, "cairn_block_writes_total", "counter", "Blocks written (new bytes on a volume).", st.puts);
  one(o, "cairn_block_written_bytes_total", "counter", "Bytes of blocks written.", st.put_bytes);
  one(o, "cairn_block_dedup_hits_total", "counter", "Block writes that found the block already stored.", st.dedup_hits);
  one(o, "cairn_block_reads_total", "counter", "Blocks read.", st.gets);
  one(o, "cairn_block_read_bytes_total", "counter", "Bytes of blocks read.", st.get_bytes);
  one(o, "cairn_blocks_corrupt_total", "counter", "Corrupt block copies found on read.", st.corrupt);
  one(o, "cairn_blocks_quarantined_total", "counter", "Corrupt block copies moved to quarantine.", st.quarantined);
  one(o, "cairn_blocks_repaired_total", "counter", "Corrupt block copies rewritten from a good replica.", st.repaired);
  one(o, "cairn_blocks_trashed_total", "counter", "Blocks moved to the trash.", st.trashed);
  one(o, "cairn_trash_emptied_total", "counter", "Trashed blocks deleted after trash_lifetime.", st.trash_emptied);
  one(o, "cairn_store_blocks", "gauge", "Blocks stored, as counted by the last garbage collection.", LOAD(m->gc_last_blocks));
  one(o, "cairn_store_bytes", "gauge", "Bytes of blocks stored, as counted by the last garbage collection.", LOAD(m->gc_last_bytes));
  struct meta_counts c;
  memset(&c, 0, sizeof c);
  if (!meta_counts(s->meta, &c)) {
    one(o, "cairn_buckets", "gauge", "Buckets.", c.buckets);
    one(o, "cairn_objects", "gauge", "Objects (current versions).", c.objects);
    one(o, "cairn_object_bytes", "gauge", "Logical bytes of objects, before deduplication.", c.object_bytes);
    one(o, "cairn_multipart_uploads", "gauge", "Multipart uploads in progress.", c.uploads);
    one(o, "cairn_datasets", "gauge", "Datasets.", c.datasets);
    one(o, "cairn_dataset_versions", "gauge", "Dataset versions.", c.versions);
    one(o, "cairn_dataset_version_bytes", "gauge", "Logical bytes of dataset versions, before deduplication.", c.version_bytes);
    one(o, "cairn_users", "gauge", "Users.", c.users);
    uint64_t stored = atomic_load(&m->gc_last_bytes);
    metric(o, "cairn_dedup_ratio", "gauge", "Logical bytes (objects and dataset versions) per stored byte, as of the last garbage collection (0 before one).");
    sbuf_printf(o, "cairn_dedup_ratio %.4f\n", stored ? (double)(c.object_bytes + c.version_bytes) / (double)stored : 0.0);
  }
  struct bufpool_stats bp;
  bufpool_stats(store_pool(s->store), &bp);
  one(o, "cairn_buffers", "gauge", "Transfer buffers in the pool (its hard cap).", bp.count);
  one(o, "cairn_buffers_in_use", "gauge", "Transfer buffers lent out now.", bp.in_use);
  one(o, "cairn_buffer_waits_total", "counter", "Times a transfer had to wait for a buffer.", bp.waits);
  one(o, "cairn_buffer_timeouts_total", "counter", "Times no buffer became free within buffer_wait.", bp.timeouts);
  metric(o, "cairn_volume_free_bytes", "gauge", "Free bytes on each volume's filesystem.");
  for (int i = 0; i < store_nvols(s->store); i++) {
    vol_t *v = store_vol(s->store, i);
    uint64_t used = 0, avail = 0;
    if (vol_usage(v, &used, &avail)) continue;
    sbuf_adds(o, "cairn_volume_free_bytes{volume=\"");
    label_value(o, vol_path(v));
    sbuf_printf(o, "\"} %llu\n", (unsigned long long)avail);
  }
  one(o, "cairn_gc_runs_total", "counter", "Garbage collections run.", LOAD(m->gc_runs));
  one(o, "cairn_gc_trashed_blocks_total", "counter", "Blocks garbage collection moved to the trash.", LOAD(m->gc_trashed_blocks));
  one(o, "cairn_gc_trashed_bytes_total", "counter", "Bytes garbage collection moved to the trash.", LOAD(m->gc_trashed_bytes));
  metric(o, "cairn_gc_seconds_total", "counter", "Time spent collecting garbage.");
  sbuf_printf(o, "cairn_gc_seconds_total %.3f\n", (double)LOAD(m->gc_seconds_ms) / 1e3);
  one(o, "cairn_trash_runs_total", "counter", "Trash emptying passes.", LOAD(m->trash_runs));
  one(o, "cairn_balance_runs_total", "counter", "Balance passes (replication and rebalancing).", LOAD(m->balance_runs));
  one(o, "cairn_balance_copied_blocks_total", "counter", "Block copies balance made where placement wants them.", LOAD(m->balance_copied));
  one(o, "cairn_balance_copied_bytes_total", "counter", "Bytes of those copies.", LOAD(m->balance_copied_bytes));
  one(o, "cairn_balance_trashed_blocks_total", "counter", "Surplus or misplaced copies balance moved to the trash.", LOAD(m->balance_trashed));
  one(o, "cairn_balance_failures_total", "counter", "Copies balance could not make or trash.", LOAD(m->balance_failed));
  one(o, "cairn_direct_reads_total", "counter", "Block reads answered 307 to a presigned URL of the store.", LOAD(m->direct_reads));
  one(o, "cairn_direct_read_bytes_total", "counter", "Bytes of those blocks, which did not pass through the gateway.", LOAD(m->direct_read_bytes));
  one(o, "cairn_trash_deleted_blocks_total", "counter", "Blocks deleted by trash emptying passes.", LOAD(m->trash_deleted));
  one(o, "cairn_lifecycle_runs_total", "counter", "Lifecycle passes.", LOAD(m->lifecycle_runs));
  one(o, "cairn_lifecycle_expired_objects_total", "counter", "Objects deleted by lifecycle rules.", LOAD(m->lifecycle_deleted));
  one(o, "cairn_lifecycle_aborted_uploads_total", "counter", "Multipart uploads aborted by lifecycle rules.", LOAD(m->lifecycle_aborted));
  metric(o, "cairn_tasks", "gauge", "Tasks in the task table, by kind and state.");
  struct task_lines tl = {o};
  meta_task_counts(s->meta, task_count_line, &tl);
  struct tasks_stats ts;
  tasks_stats(s->tasks, &ts);
  metric(o, "cairn_task_attempts_total", "counter", "Task attempts run by this process, by outcome.");
  sbuf_printf(o, "cairn_task_attempts_total{outcome=\"succeeded\"} %llu\ncairn_task_attempts_total{outcome=\"failed\"} %llu\n"
                 "cairn_task_attempts_total{outcome=\"canceled\"} %llu\ncairn_task_attempts_total{outcome=\"retried\"} %llu\n",
              (unsigned long long)ts.succeeded, (unsigned long long)ts.failed, (unsigned long long)ts.canceled,
              (unsigned long long)ts.retried);
  metric(o, "cairn_task_duration_seconds", "summary", "Time task attempts ran in this process.");
  sbuf_printf(o, "cairn_task_duration_seconds_sum %.6f\ncairn_task_duration_seconds_count %llu\n", ts.seconds_sum,
              (unsigned long long)(ts.succeeded + ts.failed + ts.canceled + ts.retried));
  one(o, "cairn_mirror_hits_total", "counter", "Mirror requests answered from a present copy.", LOAD(m->mirror_hits));
  one(o, "cairn_mirror_misses_total", "counter", "Mirror requests that found no present copy.", LOAD(m->mirror_misses));
  one(o, "cairn_mirror_coalesced_total", "counter", "Mirror misses that joined a copy already under way.", LOAD(m->mirror_coalesced));
  one(o, "cairn_mirror_errors_total", "counter", "Mirror copies that failed.", LOAD(m->mirror_errors));
  one(o, "cairn_mirror_fallbacks_total", "counter", "Mirror requests redirected to the upstream after mirror_max_wait.", LOAD(m->mirror_fallbacks));
  one(o, "cairn_mirror_copied_bytes_total", "counter", "Bytes copied from upstreams into mirror buckets.", LOAD(m->mirror_bytes));
  space_metrics(s, o);
  metric(o, "cairn_uptime_seconds", "gauge", "Seconds since this process opened the store.");
  sbuf_printf(o, "cairn_uptime_seconds %.3f\n", (double)(time_now_ms() - s->started_ms) / 1e3);
  *len = b.len;
  *out = sbuf_steal(&b);
  return 0;
}
