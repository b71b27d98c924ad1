/* json_body.c - JSON request bodies and responses. */
#include "json_body.h"
#include "app.h"
#include "../util/err.h"
#include "../util/sbuf.h"
#include <stdlib.h>

struct jb { sbuf_t b; uint64_t max; };

static void jb_free(void *p) { sbuf_free(&((struct jb *)p)->b); }

int json_body_begin(req_t *r) { return json_body_begin_max(r, ((struct app *)r->app)->cfg->json_body_max); }

int json_body_begin_max(req_t *r, uint64_t max) {
  if (r->content_length > (int64_t)max) return CAIRN_ETOOBIG;
  struct jb *j = mempool_alloc(r->pool, sizeof *j);
  j->max = max;
  mempool_on_cleanup(r->pool, jb_free, j);
  r->state = j;
  return 0;
}

int json_body_append(req_t *r, const char *data, size_t n) {
  struct jb *j = r->state;
  if (j->b.len + n > j->max) return CAIRN_ETOOBIG;
  sbuf_add(&j->b, data, n);
  return 0;
}

const char *json_body_raw(req_t *r, size_t *len) {
  struct jb *j = r->state;
  *len = j->b.len;
  return j->b.s ? j->b.s : "";
}

json_t *json_body_parse(req_t *r, const char **err) {
  struct jb *j = r->state;
  json_error_t e;
  json_t *v = json_loadb(j->b.s ? j->b.s : "", j->b.len, 0, &e);
  if (!v) *err = "request body is not valid JSON";
  return v;
}

int json_respond(req_t *r, int status, json_t *v) {
  char *s = json_dumps(v, JSON_COMPACT);
  json_decref(v);
  if (!s) return CAIRN_ENOMEM;
  sbuf_t b = {0};
  sbuf_printf(&b, "%s\n", s);
  free(s);
  int rc = http_respond_json_str(r, status, b.s);
  sbuf_free(&b);
  return rc;
}
