/* buckets.c - /v1/buckets/<name>/...: cairn's own face of bucket sharing (the owner, an admin, or
 * a holder of WRITE_ACP; the S3 ?acl / ?policy faces come with S3 conformance):
 *   PUT    public          {"public": true|false}        canned ACL public-read / private
 *   PUT    acl             {"acl": "authenticated-read"}  any canned ACL
 *   PUT    grants/<user>   {"permissions": ["READ", ...]} explicit grants; DELETE revokes
 *   PUT    policy          an S3 bucket policy document;  DELETE removes it
 *   GET    access          owner, ACL, grants and policy */
#include "app.h"
#include "json_body.h"
#include "../service/buckets.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/sbuf.h"
#include <string.h>

struct bucket_path { char name[64]; const char *what, *arg; };

/* "<name>/<what>[/<arg>]" */
static int split(req_t *r, struct bucket_path *b) {
  const char *slash = strchr(r->tail, '/');
  if (!slash || slash == r->tail || slash - r->tail >= (long)sizeof b->name) return CAIRN_ENOENT;
  memcpy(b->name, r->tail, (size_t)(slash - r->tail));
  b->name[slash - r->tail] = 0;
  b->what = slash + 1;
  const char *s2 = strchr(b->what, '/');
  b->arg = s2 ? s2 + 1 : NULL;
  if (s2) b->what = mempool_strndup(r->pool, b->what, (size_t)(s2 - b->what));
  return 0;
}

static int respond_access(req_t *r, svc_t *svc, const struct principal *who, const char *name) {
  char *json;
  int rc = svc_bucket_access(svc, who, name, &json);
  if (rc) return http_fail(r, rc, NULL);
  rc = http_respond_json_str(r, 200, json);
  xfree(json);
  return rc;
}

static int buckets_end(req_t *r) {
  struct app *a = r->app;
  struct bucket_path b;
  if (split(r, &b)) return http_fail(r, CAIRN_ENOENT, "use /v1/buckets/<name>/(public|acl|grants/<user>|policy|access)");
  struct principal who;
  api_principal(r, &who);
  const char *m = r->method, *err = NULL;
  int put = !strcmp(m, "PUT"), del = !strcmp(m, "DELETE"), rc;
  if (!strcmp(b.what, "access") && !b.arg && !strcmp(m, "GET")) return respond_access(r, a->svc, &who, b.name);
  if (!strcmp(b.what, "policy") && !b.arg && (put || del)) {
    size_t len;
    const char *body = put ? json_body_raw(r, &len) : NULL;
    rc = svc_bucket_set_policy(a->svc, &who, b.name, body, &err);
    if (rc) return http_fail(r, rc, err);
    return respond_access(r, a->svc, &who, b.name);
  }
  if (!strcmp(b.what, "grants") && b.arg && (put || del)) {
    sbuf_t perms = {0};
    if (put) {
      json_t *in = json_body_parse(r, &err), *list = json_object_get(in, "permissions"), *e;
      size_t i;
      rc = json_is_array(list) ? 0 : CAIRN_EINVAL;
      json_array_foreach(list, i, e) {
        if (!json_is_string(e)) rc = CAIRN_EINVAL;
        else sbuf_printf(&perms, "%s%s", i ? "," : "", json_string_value(e));
      }
      json_decref(in);
      if (rc) { sbuf_free(&perms); return http_fail(r, rc, "body must be {\"permissions\": [\"READ\", ...]}"); }
    }
    rc = svc_bucket_grant(a->svc, &who, b.name, b.arg, perms.s ? perms.s : "");
    sbuf_free(&perms);
    if (rc) return http_fail(r, rc, rc == CAIRN_EINVAL ? "permissions are READ, WRITE, READ_ACP, WRITE_ACP, FULL_CONTROL" : NULL);
    return respond_access(r, a->svc, &who, b.name);
  }
  if ((!strcmp(b.what, "public") || !strcmp(b.what, "acl")) && !b.arg && put) {
    json_t *in = json_body_parse(r, &err);
    int on = 0;
    const char *acl = NULL;
    if (!strcmp(b.what, "public")) {
      if (!in || json_unpack(in, "{s:b}", "public", &on)) { json_decref(in); return http_fail(r, CAIRN_EINVAL, "body must be {\"public\": true|false}"); }
      acl = on ? "public-read" : "private";
    } else if (!in || json_unpack(in, "{s:s}", "acl", &acl)) {
      json_decref(in);
      return http_fail(r, CAIRN_EINVAL, "body must be {\"acl\": \"private|public-read|public-read-write|authenticated-read\"}");
    }
    rc = svc_bucket_set_acl(a->svc, &who, b.name, acl);
    json_decref(in);
    if (rc) return http_fail(r, rc, rc == CAIRN_EINVAL ? "unknown canned ACL" : NULL);
    return respond_access(r, a->svc, &who, b.name);
  }
  return http_fail(r, CAIRN_ENOENT, "no such bucket endpoint");
}

const struct handler h_buckets = {json_body_begin, json_body_append, buckets_end};
