/* gc.c - mark and sweep. The mark set is a sorted array of binary ids (32 bytes a block). */
#include "gc.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/hex.h"
#include "../util/log.h"
#include "../util/timeutil.h"
#include <stdlib.h>
#include <string.h>

struct marks { uint8_t (*v)[32]; size_t n, cap; };

static int mark_manifest(void *ctx, const char *text) {
  struct marks *k = ctx;
  for (const char *p = text; p && *p;) {
    if (strlen(p) >= 64) {
      if (k->n == k->cap) { k->cap = k->cap ? k->cap * 2 : 1024; k->v = xrealloc(k->v, k->cap * 32); }
      if (!hex_decode(p, 64, k->v[k->n])) k->n++;
    }
    p = strchr(p, '\n');
    if (p) p++;
  }
  return 0;
}

static int cmp32(const void *a, const void *b) { return memcmp(a, b, 32); }

struct sweep { struct marks *k; store_t *s; int64_t cutoff_ms; struct gc_report *rep; };

static int sweep_one(void *ctx, const struct vol_entry *e) {
  struct sweep *w = ctx;
  uint8_t id[32];
  w->rep->blocks++;
  w->rep->bytes += e->size;
  if (hex_decode(e->id, 64, id)) return 0;
  if (w->k->n && bsearch(id, w->k->v, w->k->n, 32, cmp32)) return 0;
  if (e->mtime > w->cutoff_ms) { w->rep->kept_young++; return 0; }
  if (!store_trash(w->s, e->id)) { w->rep->trashed++; w->rep->trashed_bytes += e->size; }
  return 0;
}

int gc_run(meta_t *m, store_t *s, int64_t grace_ms, struct gc_report *rep) {
  memset(rep, 0, sizeof *rep);
  double t0 = time_mono_sec();
  int64_t cutoff = time_now_ms() - grace_ms;   /* taken before marking: anything newer is safe */
  struct marks k = {0};
  int pruned = meta_ds_prune(m, cutoff);   /* untagged dataset versions past the grace */
  if (pruned > 0) LOGI("gc: %d untagged dataset versions dropped", pruned);
  int rc = meta_manifest_each(m, mark_manifest, &k);
  if (rc) { xfree(k.v); return rc < 0 ? rc : CAIRN_EDB; }
  if (k.n > 1) qsort(k.v, k.n, 32, cmp32);
  rep->referenced = k.n;
  struct sweep w = {&k, s, cutoff, rep};
  rc = store_index(s, "", sweep_one, &w);
  xfree(k.v);
  rep->seconds = time_mono_sec() - t0;
  LOGI("gc: %llu blocks, %llu referenced, %llu trashed (%llu bytes), %llu unreferenced but younger than the grace, %.3f s",
       (unsigned long long)rep->blocks, (unsigned long long)rep->referenced, (unsigned long long)rep->trashed,
       (unsigned long long)rep->trashed_bytes, (unsigned long long)rep->kept_young, rep->seconds);
  return rc;
}
