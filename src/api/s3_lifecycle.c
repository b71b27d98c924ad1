/* s3_lifecycle.c - object tagging (x-amz-tagging, ?tagging) and bucket lifecycle configuration
 * (?lifecycle); hiding objects that a rule has expired before the janitor deletes them. */
#include "s3.h"
#include "../http/xml.h"
#include "../service/lifecycle.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/timeutil.h"
#include <string.h>

char *s3_tags_from_request(req_t *r) {
  const char *h = http_header(r, "x-amz-tagging");
  char *t = tags_from_query(h ? h : "");
  char *c = mempool_strdup(r->pool, t);
  xfree(t);
  return c;
}

int s3_object_expired(req_t *r, const char *bucket, const struct meta_object *o) {
  struct app *a = r->app;
  char *rules = NULL;
  if (meta_lifecycle_get(a->meta, bucket, &rules) || !rules) return 0;
  int e = lifecycle_expired(rules, o->key, o->tags, o->created_ms, time_now_ms(), a->cfg->lifecycle_day_ms);
  xfree(rules);
  return e;
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
    struct meta_object o;
    if ((rc = meta_object_get(a->meta, q->bucket, q->key, &o))) return http_fail(r, rc, NULL);
    char *x = tags_to_xml(o.tags);
    meta_object_clear(&o);
    return respond_owned(r, 200, x);
  }
  case S3_TAGGING_PUT: {
    char *tags = NULL;
    if ((rc = tags_from_xml(body, q->xml.len, &tags))) return http_fail(r, rc, rc == CAIRN_EINVAL ? "at most 10 tags" : NULL);
    rc = meta_object_set_tags(a->meta, q->bucket, q->key, tags);
    xfree(tags);
    return rc ? http_fail(r, rc, NULL) : http_respond_buf(r, 200, NULL, "", 0);
  }
  case S3_TAGGING_DELETE:
    rc = meta_object_set_tags(a->meta, q->bucket, q->key, "{}");
    return rc ? http_fail(r, rc, NULL) : http_respond_buf(r, 204, NULL, "", 0);
  case S3_LIFECYCLE_GET: {
    char *rules = NULL;
    if ((rc = meta_lifecycle_get(a->meta, q->bucket, &rules))) return http_fail(r, rc, NULL);
    if (!rules) return http_fail(r, CAIRN_ENOLIFECYCLE, NULL);
    char *x = lifecycle_to_xml(rules);
    xfree(rules);
    return respond_owned(r, 200, x);
  }
  case S3_LIFECYCLE_PUT: {
    char *rules = NULL;
    const char *why = NULL;
    if ((rc = lifecycle_parse(body, q->xml.len, &rules, &why))) return http_fail(r, rc, why);
    rc = meta_lifecycle_set(a->meta, q->bucket, rules);
    xfree(rules);
    return rc ? http_fail(r, rc, NULL) : http_respond_buf(r, 200, NULL, "", 0);
  }
  case S3_LIFECYCLE_DELETE:
    rc = meta_lifecycle_set(a->meta, q->bucket, NULL);
    return rc ? http_fail(r, rc, NULL) : http_respond_buf(r, 204, NULL, "", 0);
  default:
    return http_fail(r, CAIRN_EIO, NULL);
  }
}
