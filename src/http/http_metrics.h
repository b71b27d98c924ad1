/* http_metrics.h - request counters for Prometheus: requests by route, method and status, a
 * duration histogram per route, bytes in and out per route, all lock-free (atomics). Routes are
 * labelled by their pattern in the route table ("/v1/blocks/"), never by the request path, so
 * the number of series is fixed. */
#ifndef CAIRN_HTTP_METRICS_H
#define CAIRN_HTTP_METRICS_H
#include "server.h"
#include "../util/sbuf.h"
#include <stdint.h>

typedef struct http_metrics http_metrics_t;

http_metrics_t *http_metrics_create(const struct route *routes, int nroutes);
void http_metrics_destroy(http_metrics_t *m);
/* route: index into the table, -1 when none matched; status 0 when nothing was answered. */
void http_metrics_record(http_metrics_t *m, int route, const char *method, int status, double seconds,
                         uint64_t bytes_in, uint64_t bytes_out);
void http_metrics_render(http_metrics_t *m, sbuf_t *out);

#endif
