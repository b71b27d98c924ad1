/* s3_lifecycle.c - object tagging (x-amz-tagging, ?tagging) and bucket lifecycle configuration
 * (?lifecycle); hiding objects that a rule has expired before the janitor deletes them. */
#include "s3.h"
#include "s3_xml.h"
#include "../service/buckets.h"
#include "../service/lifecycle.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/timeutil.h"
#include <string.h>

char *s3_tags_from_request(req_t *r) {
  const char *h = http_header(r, "x-amz-tagging");
  char *t = NULL;
  if (tags_from_query(h ? h : "", &t)) { xfree(t); t = xstrdup("{}"); }   /* s3_write_headers_check refused it before */
  char *c = mempool_strdup(r->pool, t);
  xfree(t);
  return c;
}

static int respond_owned(req_t *r, int status, char *doc) {
  sbuf_t b = {doc, strlen(doc), strlen(doc) + 1};
  return xml_respond(r, status, &b);
}

int s3_subresource_end(req_t *r, struct s3_req *q) {
  struct app *a = r->app;
  const char *body = q->xml.s ? q->xml.s : "";
  int rc;
  switch (q->op) {
  case S3_TAGGING_GET: {
    struct meta_object o = {0};
    rc = svc_object_get_expiring(a->svc, &q->who, AZ_GET_OBJECT_TAGGING, q->bucket, q->key, q->vid, &o, NULL, 0);
    if (rc) { meta_object_clear(&o); return http_fail(r, rc, NULL); }
    s3_version_headers(r, o.version_id, 0, q->vid != NULL);
    char *x = tags_to_xml(o.tags);
    meta_object_clear(&o);
    return respond_owned(r, 200, x);
  }
  case S3_TAGGING_PUT: {
    char *tags = NULL;
    if ((rc = tags_from_xml(body, q->xml.len, &tags)))
      return http_fail(r, rc, rc == CAIRN_EINVALIDTAG ? "at most 10 distinct keys of 1 to 128 and values of at most 256 characters" : NULL);
    rc = svc_object_set_tags(a->svc, &q->who, AZ_PUT_OBJECT_TAGGING, q->bucket, q->key, q->vid, tags);
    xfree(tags);
    if (!rc && q->vid) s3_version_headers(r, q->vid, 0, 1);
    return rc ? http_fail(r, rc, NULL) : http_respond_buf(r, 200, NULL, "", 0);
  }
  case S3_TAGGING_DELETE:
    rc = svc_object_set_tags(a->svc, &q->who, AZ_DELETE_OBJECT_TAGGING, q->bucket, q->key, q->vid, "{}");
    return rc ? http_fail(r, rc, NULL) : http_respond_buf(r, 204, NULL, "", 0);
  case S3_LIFECYCLE_GET: {
    char *rules = NULL;
    if ((rc = svc_lifecycle_get(a->svc, &q->who, q->bucket, &rules))) return http_fail(r, rc, NULL);
    if (!rules) return http_fail(r, CAIRN_ENOLIFECYCLE, NULL);
    char *x = lifecycle_to_xml(rules);
    xfree(rules);
    return respond_owned(r, 200, x);
  }
  case S3_LIFECYCLE_PUT: {
    char *rules = NULL;
    const char *why = NULL;
    if ((rc = lifecycle_parse(body, q->xml.len, &rules, &why))) return http_fail(r, rc, why);
    rc = svc_lifecycle_set(a->svc, &q->who, q->bucket, rules);
    xfree(rules);
    return rc ? http_fail(r, rc, NULL) : http_respond_buf(r, 200, NULL, "", 0);
  }
  case S3_LIFECYCLE_DELETE:
    rc = svc_lifecycle_set(a->svc, &q->who, q->bucket, NULL);
    return rc ? http_fail(r, rc, NULL) : http_respond_buf(r, 204, NULL, "", 0);
  default:
    return http_fail(r, CAIRN_EIO, NULL);
  }
}
