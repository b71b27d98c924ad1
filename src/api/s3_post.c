/* s3_post.c - POST Object, the browser form upload: a multipart/form-data body whose fields (key,
 * policy, SigV4 x-amz-* or SigV2 AWSAccessKeyId/signature, Content-Type, x-amz-meta-*, tagging,
 * success_action_status / _redirect) come before the file. The policy's signature names the
 * uploader, whose rights decide (svc_object_write_check); the policy's conditions are checked when
 * the file begins, before a byte is stored; the file streams into the store like a PutObject. */
#include "s3.h"
#include "s3_xml.h"
#include "../crypto/hash.h"
#include "../crypto/sigv2.h"
#include "../crypto/sigv4.h"
#include "../http/form.h"
#include "../service/buckets.h"
#include "../service/lifecycle.h"
#include "../service/post_policy.h"
#include "../util/alloc.h"
#include "../util/base64.h"
#include "../util/err.h"
#include "../util/hex.h"
#include "../util/timeutil.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_FIELDS 64
#define MAX_FIELD (64 * 1024)

struct post {
  req_t *r;
  struct s3_req *q;
  form_t *form;
  struct post_field f[MAX_FIELDS];
  size_t n;
  char *key;                 /* ${filename} substituted */
  int64_t len_min, len_max;
  int file_seen;
  const char *why;
};

static const char *field(struct post *p, const char *name) {
  for (size_t i = 0; i < p->n; i++) if (!strcasecmp(p->f[i].name, name)) return p->f[i].value;
  return NULL;
}

static int on_field(void *ctx, const char *name, const char *value, size_t len) {
  struct post *p = ctx;
  if (p->n == MAX_FIELDS) { p->why = "too many form fields"; return CAIRN_EINVAL; }
  if (strlen(value) != len) { p->why = "a form field holds a NUL byte"; return CAIRN_EINVAL; }
  for (size_t i = 0; i < p->n; i++)
    if (!strcasecmp(p->f[i].name, name)) { p->why = "a form field is given twice"; return CAIRN_EINVAL; }
  p->f[p->n].name = mempool_strdup(p->r->pool, name);
  p->f[p->n].value = mempool_strdup(p->r->pool, value);
  p->n++;
  return 0;
}

/* The signer of the policy, as the request's caller (r->user_key, role, user_name). */
static int verify_signature(struct post *p, const char *policy) {
  req_t *r = p->r;
  struct app *a = r->app;
  const char *alg = field(p, "x-amz-algorithm"), *sig4 = field(p, "x-amz-signature");
  const char *ak2 = field(p, "AWSAccessKeyId"), *sig2 = field(p, "signature");
  char *secret = NULL, role[16] = "", name[65] = "";
  int rc;
  if (alg || sig4) {
    struct sigv4_auth s;
    memset(&s, 0, sizeof s);
    const char *cred = field(p, "x-amz-credential"), *date = field(p, "x-amz-date");
    if (!alg || strcmp(alg, SIGV4_ALGORITHM) || !sig4 || !cred || !date || sigv4_parse_credential(cred, &s) ||
        strlen(date) != 16 || strncmp(date, s.date, 8) || strcmp(s.service, "s3")) {
      p->why = "x-amz-algorithm, x-amz-credential, x-amz-date and x-amz-signature must all be there and agree";
      return CAIRN_EAUTH;
    }
    if (strcmp(s.region, a->cfg->region)) { p->why = "the credential's region is not the server's"; return CAIRN_EAUTH; }
    if (app_auth_lookup(a, s.access_key, &secret, role, name)) { p->why = "the access key does not exist"; return CAIRN_EAUTH; }
    uint8_t key[32], mac[32];
    char hex[65];
    sigv4_signing_key(secret, &s, key);
    hmac_sha256(key, 32, policy, strlen(policy), mac);
    hex_encode(mac, 32, hex);
    rc = strlen(sig4) == 64 && crypto_memeq(hex, sig4, 64) ? 0 : CAIRN_ESIG;
    if (!rc) r->user_key = mempool_strdup(r->pool, s.access_key);
  } else if (ak2 || sig2) {
    if (!ak2 || !sig2) { p->why = "AWSAccessKeyId and signature go together"; return CAIRN_EAUTH; }
    if (app_auth_lookup(a, ak2, &secret, role, name)) { p->why = "the access key does not exist"; return CAIRN_EAUTH; }
    char sig[64];
    sigv2_sign(secret, policy, sig);
    rc = strlen(sig) == strlen(sig2) && crypto_memeq(sig, sig2, strlen(sig)) ? 0 : CAIRN_ESIG;
    if (!rc) r->user_key = mempool_strdup(r->pool, ak2);
  } else {
    p->why = "a policy needs a signature";
    return CAIRN_EAUTH;
  }
  memset(secret, 0, strlen(secret));
  xfree(secret);
  if (rc) { p->why = "the policy's signature does not match"; return rc; }
  r->auth_rc = 0;
  memcpy(r->role, role, sizeof r->role);
  memcpy(r->user_name, name, sizeof r->user_name);
  return 0;
}

/* The fields are in: authenticate, check the policy, authorize, start the object. */
static int on_file_start(void *ctx, const char *name, const char *filename, const char *content_type) {
  struct post *p = ctx;
  req_t *r = p->r;
  struct s3_req *q = p->q;
  struct app *a = r->app;
  (void)content_type;
  if (strcasecmp(name, "file")) { p->why = "the only file field is \"file\""; return CAIRN_EINVAL; }
  p->file_seen = 1;
  const char *key = field(p, "key"), *policy64 = field(p, "policy");
  if (!key || !*key) { p->why = "the form has no key field"; return CAIRN_EINVAL; }
  int rc;
  if (policy64) {
    size_t pl = 0;
    char *policy = (char *)base64_decode(policy64, MAX_FIELD, &pl);
    if (!policy) { p->why = "the policy is not base64"; return CAIRN_EINVAL; }
    rc = verify_signature(p, policy64);
    if (!rc) rc = post_policy_check(policy, pl, q->bucket, p->f, p->n, time(NULL), &p->len_min, &p->len_max, &p->why);
    xfree(policy);
    if (rc) return rc;
  } else if (field(p, "x-amz-signature") || field(p, "signature")) {
    p->why = "a signature without a policy";
    return CAIRN_EAUTH;
  }   /* no policy: anonymous, which only a public-read-write bucket lets write */
  /* the key, ${filename} replaced by the file's name (its last path component) */
  const char *base = filename ? filename : "";
  for (const char *s = base; *s; s++) if (*s == '/' || *s == '\\') base = s + 1;
  const char *var = strstr(key, "${filename}");
  p->key = var ? mempool_printf(r->pool, "%.*s%s%s", (int)(var - key), key, base, var + 11) : mempool_strdup(r->pool, key);
  if (strlen(p->key) > 1024) return CAIRN_EKEYTOOLONG;
  q->key = p->key;
  const char *acl = field(p, "acl");
  if (acl && strcmp(acl, "private")) { p->why = "object ACLs are not implemented: share the bucket instead"; return CAIRN_ENOTIMPL; }
  const char *tagging = field(p, "tagging");
  if (tagging) {
    char *tags = NULL;
    if ((rc = tags_from_xml(tagging, strlen(tagging), &tags))) { p->why = "the tagging field is not a valid Tagging document"; return rc; }
    xfree(tags);
  }
  api_principal(r, &q->who);
  if ((rc = svc_object_write_check(a->svc, &q->who, q->bucket, q->key, &q->grant))) return rc;
  const char *sse = field(p, "x-amz-server-side-encryption");   /* SSE-S3 asked by the form, or the bucket's default */
  if (sse && strcmp(sse, "AES256")) { p->why = "x-amz-server-side-encryption must be AES256"; return CAIRN_EINVAL; }
  struct svc_sse asked = {sse ? SSE_S3 : SSE_NONE, {0}};
  if ((rc = svc_sse_for_write(a->svc, q->bucket, &asked, &q->sse))) return rc;
  struct cdc_params cp = {CDC_DEFAULT_MIN, CDC_DEFAULT_AVG, CDC_DEFAULT_MAX};
  if ((rc = svc_obj_writer_begin(a->svc, &cp, 0, &q->sse, &q->w))) { q->w = NULL; return rc; }
  q->max = a->cfg->max_object_size;
  return 0;
}

static int on_file_data(void *ctx, const char *data, size_t n) {
  struct post *p = ctx;
  struct s3_req *q = p->q;
  q->got += n;
  if (q->got > q->max) return CAIRN_ETOOBIG;
  if ((int64_t)q->got > p->len_max) { p->why = "the file is larger than the policy's content-length-range"; return CAIRN_ETOOBIG; }
  return obj_writer_write(q->w, data, n);
}

int s3_post_begin(req_t *r, struct s3_req *q) {
  struct post *p = mempool_alloc(r->pool, sizeof *p);
  memset(p, 0, sizeof *p);
  p->r = r;
  p->q = q;
  p->len_max = INT64_MAX;
  struct form_cb cb = {on_field, on_file_start, on_file_data, p};
  if (!(p->form = http_form_begin(r, &cb, MAX_FIELD, MAX_FIELDS)))
    return http_fail(r, CAIRN_EINVAL, "a POST upload is a multipart/form-data body");
  q->post = p;
  return 0;
}

int s3_post_body(req_t *r, struct s3_req *q, const char *data, size_t n) {
  (void)r;
  struct post *p = q->post;
  int rc = http_form_feed(p->form, data, n);
  if (rc && q->w) { obj_writer_abort(q->w); q->w = NULL; }
  return rc;
}

/* A form field's value into the object's stored headers (the same ones a PutObject keeps). */
static char *headers_of(struct post *p) {
  static const char *const keep[] = {"Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language", "Expires"};
  json_t *o = json_object();
  for (size_t i = 0; i < p->n; i++) {
    for (size_t k = 0; k < sizeof keep / sizeof *keep; k++)
      if (!strcasecmp(p->f[i].name, keep[k])) json_object_set_new(o, keep[k], json_string(p->f[i].value));
    if (!strncasecmp(p->f[i].name, "x-amz-meta-", 11)) {
      char *l = mempool_strdup(p->r->pool, p->f[i].name);
      for (char *c = l; *c; c++) if (*c >= 'A' && *c <= 'Z') *c = (char)(*c + 32);
      json_object_set_new(o, l, json_string(p->f[i].value));
    }
  }
  char *d = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(o);
  char *c = mempool_strdup(p->r->pool, d ? d : "{}");
  free(d);
  return c;
}

/* percent-encoded (RFC 3986 unreserved kept), pool-owned */
static const char *enc(req_t *r, const char *s) {
  static const char hx[] = "0123456789ABCDEF";
  char *out = mempool_alloc(r->pool, strlen(s) * 3 + 1), *o = out;
  for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
    if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || strchr("-_.~", *c)) *o++ = (char)*c;
    else { *o++ = '%'; *o++ = hx[*c >> 4]; *o++ = hx[*c & 15]; }
  }
  *o = 0;
  return out;
}

int s3_post_end(req_t *r, struct s3_req *q) {
  struct post *p = q->post;
  if (!q->committing) {
    int rc = q->rc ? q->rc : http_form_end(p->form);
    if (!rc && !p->file_seen) rc = CAIRN_EINVAL, p->why = "the form has no file field (it must be the last)";
    if (!rc && (int64_t)q->got < p->len_min) rc = CAIRN_EINVAL, p->why = "the file is smaller than the policy's content-length-range";
    if (rc) return http_fail(r, rc, p->why);
    char *tags = NULL;
    const char *tagging = field(p, "tagging");
    if (tagging) tags_from_xml(tagging, strlen(tagging), &tags);
    const char *ct = field(p, "Content-Type");
    const char *headers = headers_of(p);
    if (q->sse.mode != SSE_NONE) {
      char *h = svc_sse_headers(((struct app *)r->app)->svc, &q->sse, headers);
      headers = mempool_strdup(r->pool, h);
      xfree(h);
    }
    rc = s3_defer_commit(r, q, ct ? ct : "binary/octet-stream", headers, tags ? mempool_strdup(r->pool, tags) : "{}");
    xfree(tags);
    return rc;
  }
  if (q->rc) return http_fail(r, q->rc, NULL);
  char etag[40];
  snprintf(etag, sizeof etag, "\"%s\"", q->md5);
  http_add_header(r, "ETag", etag);
  const char *loc = mempool_printf(r->pool, "/%s/%s", q->bucket, q->key);
  const char *redirect = field(p, "success_action_redirect") ? field(p, "success_action_redirect") : field(p, "redirect");
  if (redirect && (!strncmp(redirect, "http://", 7) || !strncmp(redirect, "https://", 8)) && !strpbrk(redirect, "\r\n")) {
    http_add_header(r, "Location", mempool_printf(r->pool, "%s%sbucket=%s&key=%s&etag=%s", redirect,
                                                  strchr(redirect, '?') ? "&" : "?", enc(r, q->bucket), enc(r, q->key), enc(r, etag)));
    return http_respond_buf(r, 303, NULL, "", 0);
  }
  http_add_header(r, "Location", loc);
  const char *st = field(p, "success_action_status");
  if (st && !strcmp(st, "201")) {
    sbuf_t x = {0};
    sbuf_printf(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PostResponse>");
    xml_elem(&x, "Location", loc);
    xml_elem(&x, "Bucket", q->bucket);
    xml_elem(&x, "Key", q->key);
    xml_elem(&x, "ETag", etag);
    sbuf_adds(&x, "</PostResponse>\n");
    return xml_respond(r, 201, &x);
  }
  return http_respond_buf(r, st && !strcmp(st, "200") ? 200 : 204, NULL, "", 0);
}
