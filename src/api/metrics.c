/* metrics.c - GET /metrics: the Prometheus text exposition (format 0.0.4) of the server's request
 * counters (http/) and the service's (service/), for admins or the bearer of metrics_token. */
#include "app.h"
#include "../service/admin.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <string.h>
#include <strings.h>

static int metrics(req_t *r) {
  struct app *a = r->app;
  struct principal who;
  api_principal(r, &who);
  const char *auth = http_header(r, "Authorization"), *token = NULL;
  if (who.kind == PRINCIPAL_ANONYMOUS && auth && !strncasecmp(auth, "Bearer ", 7)) token = auth + 7;
  char *svc_text = NULL, *http_text = NULL;
  size_t svc_len = 0, http_len = 0;
  int rc = svc_metrics_text(a->svc, &who, token, &svc_text, &svc_len);
  if (rc) return http_fail(r, rc, "metrics need an admin signature or the metrics token");
  http_metrics_text(r, &http_text, &http_len);
  char *all = xmalloc(svc_len + http_len + 1);
  memcpy(all, http_text, http_len);
  memcpy(all + http_len, svc_text, svc_len);
  rc = http_respond_buf(r, 200, "text/plain; version=0.0.4; charset=utf-8", all, svc_len + http_len);
  xfree(all);
  xfree(svc_text);
  xfree(http_text);
  return rc;
}

const struct handler h_metrics = {metrics, NULL, NULL};
