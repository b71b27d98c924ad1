/* progress.c - the progress bar (see progress.h). */
#include "progress.h"
#include "../util/alloc.h"
#include "../util/timeutil.h"
#include <pthread.h>
#include <stdio.h>

struct progress { int on; const char *label; uint64_t total; double t0, last; pthread_mutex_t mu; };

struct progress *progress_new(int enabled, const char *label, uint64_t total) {
  struct progress *p = xcalloc(1, sizeof *p);
  p->on = enabled;
  p->label = label;
  p->total = total;
  p->t0 = time_mono_sec();
  pthread_mutex_init(&p->mu, NULL);
  return p;
}

static void draw(struct progress *p, uint64_t done, double now) {
  double el = now - p->t0, rate = el > 0 ? (double)done / el : 0;
  double eta = rate > 0 && p->total > done ? (double)(p->total - done) / rate : 0;
  int width = 30, fill = p->total ? (int)((double)width * (double)done / (double)p->total) : width;
  if (fill > width) fill = width;
  fprintf(stderr, "\r%s [%.*s%*s] %.1f/%.1f MiB %.1f MiB/s ETA %ds  ", p->label, fill,
          "##############################", width - fill, "", (double)done / 1048576.0,
          (double)p->total / 1048576.0, rate / 1048576.0, (int)eta);
}

void progress_update(struct progress *p, uint64_t done) {
  if (!p || !p->on) return;
  double now = time_mono_sec();
  pthread_mutex_lock(&p->mu);
  if (now - p->last >= 0.1) { p->last = now; draw(p, done, now); }
  pthread_mutex_unlock(&p->mu);
}

void progress_done(struct progress *p, uint64_t done) {
  if (!p) return;
  if (p->on) { draw(p, done, time_mono_sec()); fputc('\n', stderr); }
  pthread_mutex_destroy(&p->mu);
  xfree(p);
}
