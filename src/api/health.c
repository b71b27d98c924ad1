/* health.c - /healthz (the process answers), /readyz (metadata and a writable volume answer),
 * /v1/status (admin: store counters, buffer pool, volumes). */
#include "app.h"
#include "json_body.h"
#include "../service/admin.h"
#include "../util/err.h"
#include <jansson.h>

static int healthz(req_t *r) { return http_respond_text(r, 200, "ok\n"); }

static int readyz(req_t *r) {
  struct app *a = r->app;
  const char *why;
  int meta_ok, writable;
  int ready = !svc_ready(a->svc, &why, &meta_ok, &writable);
  return json_respond(r, ready ? 200 : 503, json_pack("{s:b,s:b,s:i,s:s?}", "ready", ready, "metadata", meta_ok,
                                                      "writable_volumes", writable, "reason", why));
}

static int status(req_t *r) {
  struct principal who;
  api_principal(r, &who);
  json_t *j;
  int rc = svc_status(((struct app *)r->app)->svc, &who, &j);
  return rc ? http_fail(r, rc, NULL) : json_respond(r, 200, j);
}

const struct handler h_healthz = {healthz, NULL, NULL};
const struct handler h_readyz = {readyz, NULL, NULL};
const struct handler h_status = {status, NULL, NULL};
