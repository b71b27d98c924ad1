/* http_metrics.c - request counters and histograms (http_metrics.h). */
#include "http_metrics.h"
#include "../util/alloc.h"
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static const char *const methods[] = {"GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS", "PATCH", "PROPFIND", "other"};
#define NMETHODS (int)(sizeof methods / sizeof *methods)
static const int statuses[] = {0, 200, 201, 202, 204, 206, 207, 301, 302, 304, 307, 400, 401, 403, 404, 405,
                               409, 411, 412, 413, 416, 422, 429, 500, 501, 503, 507};
#define NSTATUS (int)(sizeof statuses / sizeof *statuses)
static const double bounds[] = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
#define NBOUNDS (int)(sizeof bounds / sizeof *bounds)

struct route_stats {
  atomic_uint_fast64_t count[NMETHODS][NSTATUS + 1];   /* last slot: any other status */
  atomic_uint_fast64_t buckets[NBOUNDS];
  atomic_uint_fast64_t n, micros, bytes_in, bytes_out;
};

struct http_metrics {
  const struct route *routes;
  int nroutes;
  int *label;                  /* route index -> the first route with the same pattern (one series each) */
  struct route_stats *stats;   /* nroutes + 1: the last is "no route" */
};

http_metrics_t *http_metrics_create(const struct route *routes, int nroutes) {
  http_metrics_t *m = xcalloc(1, sizeof *m);
  m->routes = routes;
  m->nroutes = nroutes;
  m->stats = xcalloc((size_t)nroutes + 1, sizeof *m->stats);
  m->label = xcalloc((size_t)nroutes + 1, sizeof *m->label);
  for (int i = 0; i <= nroutes; i++) {
    m->label[i] = i;
    for (int j = 0; j < i && i < nroutes; j++)
      if (!strcmp(routes[i].path, routes[j].path)) { m->label[i] = j; break; }
  }
  return m;
}

void http_metrics_destroy(http_metrics_t *m) {
  if (!m) return;
  xfree(m->stats);
  xfree(m->label);
  xfree(m);
}

void http_metrics_record(http_metrics_t *m, int route, const char *method, int status, double seconds,
                         uint64_t in, uint64_t out) {
  struct route_stats *st = &m->stats[m->label[route >= 0 && route < m->nroutes ? route : m->nroutes]];
  int mi = NMETHODS - 1, si = NSTATUS;
  for (int i = 0; method && i < NMETHODS - 1; i++) if (!strcmp(method, methods[i])) { mi = i; break; }
  for (int i = 0; i < NSTATUS; i++) if (statuses[i] == status) { si = i; break; }
  atomic_fetch_add(&st->count[mi][si], 1);
  for (int i = 0; i < NBOUNDS; i++) if (seconds <= bounds[i]) { atomic_fetch_add(&st->buckets[i], 1); break; }
  atomic_fetch_add(&st->n, 1);
  atomic_fetch_add(&st->micros, (uint64_t)(seconds * 1e6));
  atomic_fetch_add(&st->bytes_in, in);
  atomic_fetch_add(&st->bytes_out, out);
}

static const char *route_label(http_metrics_t *m, int i) { return i < m->nroutes ? m->routes[i].path : "none"; }

void http_metrics_render(http_metrics_t *m, sbuf_t *o) {
  sbuf_adds(o, "# HELP cairn_http_requests_total HTTP requests answered, by route pattern, method and status.\n"
               "# TYPE cairn_http_requests_total counter\n");
  for (int r = 0; r <= m->nroutes; r++)
    for (int mi = 0; mi < NMETHODS; mi++)
      for (int si = 0; si <= NSTATUS; si++) {
        uint64_t v = atomic_load(&m->stats[r].count[mi][si]);
        if (!v) continue;
        char code[8];
        if (si == NSTATUS) memcpy(code, "other", 6);
        else snprintf(code, sizeof code, "%d", statuses[si]);
        sbuf_printf(o, "cairn_http_requests_total{route=\"%s\",method=\"%s\",status=\"%s\"} %llu\n",
                    route_label(m, r), methods[mi], code, (unsigned long long)v);
      }
  sbuf_adds(o, "# HELP cairn_http_request_duration_seconds Time from the request line to the end of the answer.\n"
               "# TYPE cairn_http_request_duration_seconds histogram\n");
  for (int r = 0; r <= m->nroutes; r++) {
    struct route_stats *st = &m->stats[r];
    uint64_t n = atomic_load(&st->n), cum = 0;
    if (!n) continue;
    for (int i = 0; i < NBOUNDS; i++) {
      cum += atomic_load(&st->buckets[i]);
      sbuf_printf(o, "cairn_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n", route_label(m, r),
                  bounds[i], (unsigned long long)cum);
    }
    sbuf_printf(o, "cairn_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n", route_label(m, r),
                (unsigned long long)n);
    sbuf_printf(o, "cairn_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", route_label(m, r),
                (double)atomic_load(&st->micros) / 1e6);
    sbuf_printf(o, "cairn_http_request_duration_seconds_count{route=\"%s\"} %llu\n", route_label(m, r), (unsigned long long)n);
  }
  static const char *const dir[2] = {"received", "sent"};
  for (int d = 0; d < 2; d++) {
    sbuf_printf(o, "# HELP cairn_http_%s_bytes_total Body bytes %s, by route pattern.\n"
                   "# TYPE cairn_http_%s_bytes_total counter\n", dir[d], dir[d], dir[d]);
    for (int r = 0; r <= m->nroutes; r++) {
      uint64_t v = atomic_load(d ? &m->stats[r].bytes_out : &m->stats[r].bytes_in);
      if (atomic_load(&m->stats[r].n))
        sbuf_printf(o, "cairn_http_%s_bytes_total{route=\"%s\"} %llu\n", dir[d], route_label(m, r), (unsigned long long)v);
    }
  }
}
