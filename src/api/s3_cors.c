/* s3_cors.c - CORS on the S3 API: Get/Put/DeleteBucketCors (?cors), a browser's preflight
 * (OPTIONS with Origin and Access-Control-Request-Method, anonymous), and the Access-Control-*
 * headers on every S3 response to a request with an Origin the bucket's rules allow. */
#include "s3.h"
#include "s3_xml.h"
#include "../service/buckets.h"
#include "../service/cors.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <stdio.h>
#include <string.h>

static void add(req_t *r, const struct cors_answer *c, int preflight) {
  http_add_header(r, "Access-Control-Allow-Origin", c->allow_origin);
  if (c->credentials) http_add_header(r, "Access-Control-Allow-Credentials", "true");
  if (c->allow_methods) http_add_header(r, "Access-Control-Allow-Methods", c->allow_methods);
  if (preflight && c->allow_headers) http_add_header(r, "Access-Control-Allow-Headers", c->allow_headers);
  if (c->expose_headers) http_add_header(r, "Access-Control-Expose-Headers", c->expose_headers);
  if (preflight && c->max_age >= 0) {
    char n[24];
    snprintf(n, sizeof n, "%ld", c->max_age);
    http_add_header(r, "Access-Control-Max-Age", n);
  }
}

void s3_cors_headers(req_t *r, struct s3_req *q) {
  const char *origin = http_header(r, "Origin");
  if (!origin || !*q->bucket || q->op == S3_CORS_PREFLIGHT) return;
  http_add_header(r, "Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method");
  struct cors_answer c;
  if (svc_cors_match(((struct app *)r->app)->svc, q->bucket, origin, r->method, NULL, &c)) return;
  add(r, &c, 0);
  cors_answer_free(&c);
}

static int preflight(req_t *r, struct s3_req *q) {
  const char *origin = http_header(r, "Origin"), *method = http_header(r, "Access-Control-Request-Method");
  if (!origin || !method)
    return http_fail(r, CAIRN_EINVAL, "a preflight needs Origin and Access-Control-Request-Method");
  struct cors_answer c;
  int rc = svc_cors_match(((struct app *)r->app)->svc, q->bucket, origin, method,
                          http_header(r, "Access-Control-Request-Headers"), &c);
  http_add_header(r, "Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method");
  if (rc) return http_fail(r, rc, NULL);
  add(r, &c, 1);
  cors_answer_free(&c);
  return http_respond_buf(r, 200, NULL, "", 0);
}

int s3_cors_end(req_t *r, struct s3_req *q) {
  struct app *a = r->app;
  int rc;
  switch (q->op) {
  case S3_CORS_PREFLIGHT: return preflight(r, q);
  case S3_CORS_GET: {
    char *x = NULL;
    if ((rc = svc_bucket_cors_get(a->svc, &q->who, q->bucket, &x))) return http_fail(r, rc, NULL);
    sbuf_t b = {x, strlen(x), strlen(x) + 1};
    return xml_respond(r, 200, &b);
  }
  case S3_CORS_PUT: {
    const char *why = NULL;
    rc = svc_bucket_cors_set(a->svc, &q->who, q->bucket, q->xml.s ? q->xml.s : "", q->xml.len, &why);
    return rc ? http_fail(r, rc, why) : http_respond_buf(r, 200, NULL, "", 0);
  }
  case S3_CORS_DELETE:
    rc = svc_bucket_cors_delete(a->svc, &q->who, q->bucket);
    return rc ? http_fail(r, rc, NULL) : http_respond_buf(r, 204, NULL, "", 0);
  default:
    return http_fail(r, CAIRN_EIO, NULL);
  }
}
