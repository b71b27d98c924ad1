/* test_sse.c - encryption at rest without a server: chunk sealing (convergent, tag checked),
 * wrapped keys in manifests, sealed object streams (ranges, a wrong key, a changed block) and the
 * SSE-C key rules of sse.c. */
#include "test.h"
#include "fixture.h"
#include "chunk/manifest.h"
#include "crypto/chunk_cipher.h"
#include "crypto/hash.h"
#include "service/admin.h"
#include "service/objects.h"
#include "service/sse.h"
#include "service/svc_internal.h"
#include "util/alloc.h"
#include "util/err.h"
#include <stdio.h>
#include <string.h>

static void sealing(void) {
  uint8_t root[32], other[32], a[64 + CC_TAG], b[64 + CC_TAG], k1[32], k2[32];
  memset(root, 1, 32);
  memset(other, 2, 32);
  memcpy(a, "sixty-four bytes of plaintext, sixty-four bytes of plaintext!!!!", 64);
  memcpy(b, a, 64);
  ASSERT_EQ(cc_seal(root, a, 64, k1), 0);
  ASSERT_EQ(cc_seal(root, b, 64, k2), 0);
  ASSERT(!memcmp(a, b, 64 + CC_TAG));   /* convergent: equal chunks seal alike */
  ASSERT(memcmp(a, "sixty-four", 10) != 0);
  memcpy(b, "sixty-four bytes of plaintext, sixty-four bytes of plaintext!!!!", 64);
  ASSERT_EQ(cc_seal(other, b, 64, k2), 0);
  ASSERT(memcmp(a, b, 64) != 0);        /* another root: other bytes */
  memcpy(b, a, sizeof a);
  ASSERT_EQ(cc_open(k1, b, 64 + CC_TAG), 0);
  ASSERT(!memcmp(b, "sixty-four bytes", 16));
  memcpy(b, a, sizeof a);
  b[10] ^= 1;                           /* a changed byte fails the tag, and nothing is left */
  ASSERT_EQ(cc_open(k1, b, 64 + CC_TAG), CAIRN_ECORRUPT);
  ASSERT(memcmp(b, "sixty-four", 10) != 0);
  memcpy(b, a, sizeof a);
  ASSERT_EQ(cc_open(k2, b, 64 + CC_TAG), CAIRN_ECORRUPT);   /* a wrong key too */
  char id[65], hex[65];
  memset(id, 'a', 64); id[64] = 0;
  uint8_t back[32];
  cc_wrap(root, id, k1, hex);
  ASSERT_EQ(cc_unwrap(root, id, hex, back), 0);
  ASSERT(!memcmp(back, k1, 32));
  ASSERT(strncmp(hex, "00", 2) || memcmp(k1, back, 32) == 0);
  ASSERT_EQ(cc_unwrap(root, id, "xyz", back), CAIRN_EINVAL);
  /* manifests keep the wrapped key */
  struct manifest m;
  char text[256];
  snprintf(text, sizeof text, "%s+64+%s\n%s+5\n", id, hex, id);
  ASSERT_EQ(manifest_parse(text, strlen(text), 10, &m), 0);
  ASSERT_EQ((int)m.n, 2);
  ASSERT_STREQ(m.b[0].wkey, hex);
  ASSERT_STREQ(m.b[1].wkey, "");
  ASSERT_EQ((int)m.total, 69);
  char *enc = manifest_encode(&m);
  ASSERT_STREQ(enc, text);
  xfree(enc);
  manifest_free(&m);
  snprintf(text, sizeof text, "%s+64+%.63s\n", id, hex);   /* a short key */
  ASSERT_EQ(manifest_parse(text, strlen(text), 10, &m), CAIRN_EINVAL);
  snprintf(text, sizeof text, "%s++%s\n", id, hex);        /* no size */
  ASSERT_EQ(manifest_parse(text, strlen(text), 10, &m), CAIRN_EINVAL);
}

static struct config cfg;

static svc_t *open_svc(void) { return fixture_svc_open(&cfg, "8"); }

/* Reads [off, off+len) of m under sse into out; the byte count or the error. */
static long read_range(svc_t *s, const char *text, uint64_t off, uint64_t len, const struct svc_sse *sse, uint8_t *out) {
  struct manifest m;
  if (manifest_parse(text, strlen(text), SIZE_MAX, &m)) return CAIRN_EINVAL;
  obj_reader_t *r;
  int rc = svc_obj_reader_open(s, &m, off, len, sse, &r);
  manifest_free(&m);
  if (rc) return rc;
  long got = 0, n;
  while ((n = obj_reader_read(r, (char *)out + got, 100000)) > 0) got += n;
  obj_reader_close(r);
  return n < 0 ? n : got;
}

static void sealed_streams(void) {
  svc_t *s = open_svc();
  ASSERT(s);
  enum { N = 3 << 20 };
  uint8_t *body = xmalloc(N), *back = xmalloc(N);
  for (size_t i = 0; i < N; i++) body[i] = (uint8_t)(i * 2654435761u >> 13);
  struct svc_sse c = {SSE_C, {0}};
  memset(c.key, 7, 32);
  struct cdc_params p = {CDC_DEFAULT_MIN, CDC_DEFAULT_AVG, CDC_DEFAULT_MAX};
  obj_writer_t *w;
  ASSERT_EQ(svc_obj_writer_begin(s, &p, 0, &c, &w), 0);
  ASSERT_EQ(obj_writer_write(w, body, N), 0);
  struct manifest m;
  char md5[33], sha[65];
  ASSERT_EQ(obj_writer_finish(w, &m, md5, sha), 0);
  ASSERT(m.n >= 3);                                   /* chunks of at most 1 MiB */
  for (size_t i = 0; i < m.n; i++) ASSERT(m.b[i].size <= (1u << 20) - 16 && m.b[i].wkey[0]);
  char *text = manifest_encode(&m);
  manifest_free(&m);
  ASSERT_EQ(read_range(s, text, 0, N, &c, back), N);
  ASSERT(!memcmp(back, body, N));
  ASSERT_EQ(read_range(s, text, 1000000, 100000, &c, back), 100000);   /* across a chunk edge */
  ASSERT(!memcmp(back, body + 1000000, 100000));
  struct svc_sse wrong = c;
  wrong.key[0] ^= 1;
  ASSERT_EQ(read_range(s, text, 0, 10, &wrong, back), CAIRN_ECORRUPT);   /* the tag refuses a wrong key */
  ASSERT_EQ(read_range(s, text, 0, 10, NULL, back), CAIRN_EIO);          /* no key at all */
  /* the SSE-C rules for an object stored under c */
  char *headers = svc_sse_headers(s, &c, "{\"x-amz-meta-a\":\"b\"}");
  ASSERT(strstr(headers, "x-amz-server-side-encryption-customer-key-MD5"));
  ASSERT(strstr(headers, "x-amz-meta-a"));
  struct svc_sse out;
  ASSERT_EQ(svc_sse_for_read(s, headers, NULL, &out), CAIRN_ESSECNEEDED);
  ASSERT_EQ(svc_sse_for_read(s, headers, &wrong, &out), CAIRN_ESSECWRONG);
  ASSERT_EQ(svc_sse_for_read(s, headers, &c, &out), 0);
  ASSERT_EQ(out.mode, SSE_C);
  ASSERT(svc_sse_same(&c, &out));
  ASSERT_EQ(svc_sse_for_read(s, "{}", &c, &out), CAIRN_EINVALIDREQUEST);   /* a key for a plain object */
  char *stripped = svc_sse_headers_strip(headers);
  ASSERT_STREQ(stripped, "{\"x-amz-meta-a\":\"b\"}");
  struct svc_sse s3 = {SSE_S3, {0}};
  ASSERT(!svc_sse_same(&c, &s3));
  xfree(stripped);
  xfree(headers);
  xfree(text);
  xfree(body);
  xfree(back);
  svc_close(s);
  config_free(&cfg);
}

void suite_sse(void) { RUN(sealing); RUN(sealed_streams); }
