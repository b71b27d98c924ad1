/* sse.c - which key objects are sealed under (sse.h): the request's SSE headers, the bucket's
 * default encryption, and the records kept in an object's headers. */
#include "sse.h"
#include "buckets.h"
#include "svc_internal.h"
#include "../crypto/hash.h"
#include "../util/alloc.h"
#include "../util/base64.h"
#include "../util/err.h"
#include "../util/hex.h"
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define H_SSE "x-amz-server-side-encryption"
#define H_ALG "x-amz-server-side-encryption-customer-algorithm"
#define H_MD5 "x-amz-server-side-encryption-customer-key-MD5"
#define H_CHECK "cairn:sse-c"   /* HMAC(server sse key, customer key), hex */

static void customer_check(svc_t *s, const uint8_t key[32], char hex[65]) {
  uint8_t msg[6 + 32], mac[32];
  memcpy(msg, "check:", 6);
  memcpy(msg + 6, key, 32);
  hmac_sha256(s->keys.sse, 32, msg, sizeof msg, mac);
  hex_encode(mac, 32, hex);
}

const uint8_t *svc_sse_root(svc_t *s, const struct svc_sse *sse, uint8_t root[32]) {
  if (!sse || sse->mode == SSE_NONE) return NULL;
  if (sse->mode == SSE_S3) { memcpy(root, s->keys.sse, 32); return root; }
  hmac_sha256(sse->key, 32, "cairn sse-c root v1", 19, root);   /* the customer's key alone decides */
  return root;
}

int svc_sse_same(const struct svc_sse *a, const struct svc_sse *b) {
  enum sse_mode am = a ? a->mode : SSE_NONE, bm = b ? b->mode : SSE_NONE;
  return am == bm && (am != SSE_C || !memcmp(a->key, b->key, 32));
}

int svc_sse_for_write(svc_t *s, const char *bucket, const struct svc_sse *asked, struct svc_sse *out) {
  if (asked && asked->mode != SSE_NONE) { *out = *asked; return 0; }
  memset(out, 0, sizeof *out);
  char *v = NULL;
  int rc = meta_bucket_config_get(s->meta, bucket, "encryption", &v);
  if (!rc && !strcmp(v, "AES256")) out->mode = SSE_S3;
  xfree(v);
  return rc == CAIRN_ENOENT || rc == CAIRN_ENOSUCHBUCKET ? 0 : rc;   /* no bucket: the write itself says so */
}

static char *dump(json_t *o) {
  char *t = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
  char *c = xstrdup(t ? t : "{}");
  free(t);
  return c;
}

char *svc_sse_headers_strip(const char *headers_json) {
  json_t *o = json_loads(headers_json ? headers_json : "{}", 0, NULL);
  if (!o) o = json_object();
  json_object_del(o, H_SSE);
  json_object_del(o, H_ALG);
  json_object_del(o, H_MD5);
  json_object_del(o, H_CHECK);
  char *c = dump(o);
  json_decref(o);
  return c;
}

char *svc_sse_headers(svc_t *s, const struct svc_sse *sse, const char *headers_json) {
  char *base = svc_sse_headers_strip(headers_json);
  json_t *o = json_loads(base, 0, NULL);
  xfree(base);
  if (sse && sse->mode == SSE_S3) json_object_set_new(o, H_SSE, json_string("AES256"));
  if (sse && sse->mode == SSE_C) {
    uint8_t digest[16];
    md5(sse->key, 32, digest);
    char *b64 = base64_encode(digest, 16), check[65];
    customer_check(s, sse->key, check);
    json_object_set_new(o, H_ALG, json_string("AES256"));
    json_object_set_new(o, H_MD5, json_string(b64));
    json_object_set_new(o, H_CHECK, json_string(check));
    xfree(b64);
  }
  char *c = dump(o);
  json_decref(o);
  return c;
}

int svc_sse_for_read(svc_t *s, const char *headers_json, const struct svc_sse *asked_in, struct svc_sse *out) {
  struct svc_sse none = {SSE_NONE, {0}}, copy = asked_in ? *asked_in : none;   /* out may be asked_in */
  const struct svc_sse *asked = &copy;
  memset(out, 0, sizeof *out);
  int has_key = asked->mode == SSE_C;
  if (!headers_json || (!strstr(headers_json, H_SSE) && !strstr(headers_json, H_CHECK)))   /* most objects */
    return has_key ? CAIRN_EINVALIDREQUEST : 0;
  json_t *o = json_loads(headers_json, 0, NULL);
  const char *check = json_string_value(json_object_get(o, H_CHECK));
  int rc = 0;
  if (check) {
    char want[65];
    if (!has_key) rc = CAIRN_ESSECNEEDED;
    else {
      customer_check(s, asked->key, want);
      rc = strcmp(want, check) ? CAIRN_ESSECWRONG : 0;
    }
    if (!rc) *out = *asked;
  } else if (json_object_get(o, H_SSE)) {
    if (has_key) rc = CAIRN_EINVALIDREQUEST;
    else out->mode = SSE_S3;
  } else if (has_key) {
    rc = CAIRN_EINVALIDREQUEST;
  }
  json_decref(o);
  return rc;
}

int svc_bucket_encryption_get(svc_t *s, const struct principal *p, const char *bucket, char alg[16]) {
  int rc = svc_bucket_check(s, p, bucket, AZ_GET_ENCRYPTION, NULL, NULL);
  char *v = NULL;
  if (!rc) rc = meta_bucket_config_get(s->meta, bucket, "encryption", &v);
  if (!rc) snprintf(alg, 16, "%s", v);
  xfree(v);
  return rc == CAIRN_ENOENT ? CAIRN_ENOENCRYPTION : rc;
}

int svc_bucket_encryption_set(svc_t *s, const struct principal *p, const char *bucket, const char *alg) {
  int rc = svc_bucket_check(s, p, bucket, AZ_PUT_ENCRYPTION, NULL, NULL);
  if (rc) return rc;
  if (alg && strcmp(alg, "AES256")) return CAIRN_ENOTIMPL;   /* aws:kms: no key service here */
  return meta_bucket_config_set(s->meta, bucket, "encryption", alg);
}
