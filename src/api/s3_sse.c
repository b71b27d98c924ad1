/* s3_sse.c - server-side encryption on the S3 API: the request's SSE headers (SSE-S3
 * `x-amz-server-side-encryption: AES256`; SSE-C algorithm, key and key MD5, also for a copy
 * source) checked and turned into a struct svc_sse, the SSE headers of an answer, and
 * Get/Put/DeleteBucketEncryption (?encryption). Which key an object uses is decided in sse.c. */
#include "s3.h"
#include "s3_xml.h"
#include "../crypto/hash.h"
#include "../service/sse.h"
#include "../util/alloc.h"
#include "../util/base64.h"
#include "../util/err.h"
#include <jansson.h>
#include <string.h>

int s3_sse_parse(req_t *r, int copy_source, struct svc_sse *out, const char **why) {
  memset(out, 0, sizeof *out);
  const char *pre = copy_source ? "x-amz-copy-source-server-side-encryption-customer-" : "x-amz-server-side-encryption-customer-";
  const char *alg = http_header(r, mempool_printf(r->pool, "%salgorithm", pre));
  const char *key = http_header(r, mempool_printf(r->pool, "%skey", pre));
  const char *key_md5 = http_header(r, mempool_printf(r->pool, "%skey-MD5", pre));
  const char *sse = copy_source ? NULL : http_header(r, "x-amz-server-side-encryption");
  if (sse) {
    if (!strncmp(sse, "aws:kms", 7)) { *why = "SSE-KMS needs a key service cairn does not have: use AES256"; return CAIRN_ENOTIMPL; }
    if (strcmp(sse, "AES256")) { *why = "x-amz-server-side-encryption must be AES256"; return CAIRN_EINVAL; }
    out->mode = SSE_S3;
  }
  if (!alg && !key && !key_md5) return 0;
  if (sse) { *why = "SSE-S3 and SSE-C headers together"; return CAIRN_EINVAL; }
  if (!alg || !key || !key_md5) { *why = "SSE-C needs the algorithm, the key and the key's MD5"; return CAIRN_EINVAL; }
  if (strcmp(alg, "AES256")) { *why = "the SSE-C algorithm must be AES256"; return CAIRN_EINVAL; }
  size_t n = 0, mn = 0;
  unsigned char *k = base64_decode(key, 64, &n), *m = base64_decode(key_md5, 32, &mn);
  int rc = 0;
  if (!k || n != 32) { *why = "the SSE-C key must be 256 bits, base64"; rc = CAIRN_EINVAL; }
  else {
    uint8_t d[16];
    md5(k, 32, d);
    if (!m || mn != 16 || memcmp(d, m, 16)) { *why = "the SSE-C key's MD5 does not match the key"; rc = CAIRN_EINVAL; }
  }
  if (!rc) { out->mode = SSE_C; memcpy(out->key, k, 32); }
  if (k) { memset(k, 0, n); xfree(k); }
  xfree(m);
  return rc;
}

void s3_sse_answer(req_t *r, const char *headers_json) {
  if (!headers_json || !strstr(headers_json, "x-amz-server-side-encryption")) return;   /* most objects */
  static const char *names[] = {"x-amz-server-side-encryption", "x-amz-server-side-encryption-customer-algorithm",
                                "x-amz-server-side-encryption-customer-key-MD5"};
  json_t *o = json_loads(headers_json, 0, NULL);
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    const char *v = json_string_value(json_object_get(o, names[i]));
    if (v) http_add_header(r, names[i], mempool_strdup(r->pool, v));
  }
  json_decref(o);
}

int s3_encryption_end(req_t *r, struct s3_req *q) {
  struct app *a = r->app;
  int rc;
  switch (q->op) {
  case S3_ENCRYPTION_GET: {
    char alg[16];
    if ((rc = svc_bucket_encryption_get(a->svc, &q->who, q->bucket, alg))) return http_fail(r, rc, NULL);
    sbuf_t x = {0};
    sbuf_printf(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ServerSideEncryptionConfiguration xmlns=\"%s\"><Rule>"
                "<ApplyServerSideEncryptionByDefault><SSEAlgorithm>%s</SSEAlgorithm></ApplyServerSideEncryptionByDefault>"
                "<BucketKeyEnabled>false</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>\n", S3_XMLNS, alg);
    return xml_respond(r, 200, &x);
  }
  case S3_ENCRYPTION_PUT: {
    char alg[16];
    const char *why = NULL;
    if ((rc = sse_config_parse(q->xml.s ? q->xml.s : "", q->xml.len, alg, &why))) return http_fail(r, rc, why);
    rc = svc_bucket_encryption_set(a->svc, &q->who, q->bucket, alg);
    return rc ? http_fail(r, rc, NULL) : http_respond_buf(r, 200, NULL, "", 0);
  }
  case S3_ENCRYPTION_DELETE:
    rc = svc_bucket_encryption_set(a->svc, &q->who, q->bucket, NULL);
    return rc ? http_fail(r, rc, NULL) : http_respond_buf(r, 204, NULL, "", 0);
  default:
    return http_fail(r, CAIRN_EIO, NULL);
  }
}
