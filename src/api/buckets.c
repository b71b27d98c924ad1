/* buckets.c - PUT /v1/buckets/<name>/public (admin), body {"public": true|false}: a public
 * bucket can be read (GetObject, HeadObject, listing) without credentials. */
#include "app.h"
#include "json_body.h"
#include "../util/err.h"
#include <string.h>

static int public_end(req_t *r) {
  struct app *a = r->app;
  const char *slash = strchr(r->tail, '/');
  if (!slash || strcmp(slash, "/public")) return http_fail(r, CAIRN_ENOENT, "use /v1/buckets/<name>/public");
  char name[64];
  if (slash - r->tail >= (long)sizeof name) return http_fail(r, CAIRN_ENOSUCHBUCKET, NULL);
  memcpy(name, r->tail, (size_t)(slash - r->tail));
  name[slash - r->tail] = 0;
  const char *err = NULL;
  json_t *in = json_body_parse(r, &err);
  int on = 0;
  if (!in || json_unpack(in, "{s:b}", "public", &on)) {
    json_decref(in);
    return http_fail(r, CAIRN_EINVAL, "body must be {\"public\": true|false}");
  }
  json_decref(in);
  int rc = meta_bucket_set_public(a->meta, name, on);
  if (rc) return http_fail(r, rc, NULL);
  return json_respond(r, 200, json_pack("{s:s,s:b}", "bucket", name, "public", on));
}

const struct handler h_bucket_public = {json_body_begin, json_body_append, public_end};
