/* test_crypto.c - SigV4 against the AWS S3 documentation's worked examples, Authorization and
 * presigned parsing, canonical query rules; sealing of secrets; block locators. */
#include "test.h"
#include "crypto/hash.h"
#include "crypto/hash_thread.h"
#include "crypto/seal.h"
#include "crypto/sigv4.h"
#include "store/locator.h"
#include "util/alloc.h"
#include "util/err.h"
#include <strings.h>

#define AK "AKIAIOSFODNN7EXAMPLE"
#define SK "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define EMPTY_SHA "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct kv { const char *k, *v; };
static const char *lookup(void *ctx, const char *name) {
  for (struct kv *h = ctx; h->k; h++) if (!strcasecmp(h->k, name)) return h->v;
  return NULL;
}

static void sign_check(const char *method, const char *path, const char *query, struct kv *hdrs,
                       const char *signed_headers, const char *payload, const char *expect, int *ok) {
  struct sigv4_auth a = {0};
  strcpy(a.date, "20130524"); strcpy(a.region, "us-east-1"); strcpy(a.service, "s3");
  strcpy(a.amz_date, "20130524T000000Z");
  char *cu = sigv4_canonical_uri(path), *cq = sigv4_canonical_query(query, 1);
  char *creq = sigv4_canonical_request(method, cu, cq, signed_headers, lookup, hdrs, payload);
  char sig[65] = "";
  if (creq) sigv4_sign(SK, &a, creq, sig);
  *ok = !strcmp(sig, expect);
  if (!*ok) fprintf(stderr, "  canonical request:\n%s\n  got %s\n", creq ? creq : "(null)", sig);
  xfree(cu); xfree(cq); xfree(creq);
}

static void aws_get_object_example(void) {
  struct kv h[] = {{"host", "examplebucket.s3.amazonaws.com"}, {"range", "bytes=0-9"},
                   {"x-amz-content-sha256", EMPTY_SHA}, {"x-amz-date", "20130524T000000Z"}, {0, 0}};
  int ok;
  sign_check("GET", "/test.txt", "", h, "host;range;x-amz-content-sha256;x-amz-date", EMPTY_SHA,
             "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41", &ok);
  ASSERT(ok);
}

static void aws_put_object_example(void) {
  struct kv h[] = {{"date", "Fri, 24 May 2013 00:00:00 GMT"}, {"host", "examplebucket.s3.amazonaws.com"},
                   {"x-amz-content-sha256", "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"},
                   {"x-amz-date", "20130524T000000Z"}, {"x-amz-storage-class", "REDUCED_REDUNDANCY"}, {0, 0}};
  int ok;
  sign_check("PUT", "/test%24file.text", "", h,
             "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
             "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
             "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd", &ok);
  ASSERT(ok);
}

static void aws_list_objects_example(void) {
  struct kv h[] = {{"host", "examplebucket.s3.amazonaws.com"}, {"x-amz-content-sha256", EMPTY_SHA},
                   {"x-amz-date", "20130524T000000Z"}, {0, 0}};
  int ok;
  sign_check("GET", "/", "max-keys=2&prefix=J", h, "host;x-amz-content-sha256;x-amz-date", EMPTY_SHA,
             "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7", &ok);
  ASSERT(ok);
  sign_check("GET", "/", "lifecycle", h, "host;x-amz-content-sha256;x-amz-date", EMPTY_SHA,
             "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543", &ok);
  ASSERT(ok);
}

static void aws_presigned_example(void) {
  const char *q = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                  "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                  "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
  struct sigv4_auth a;
  ASSERT_EQ(sigv4_parse_presigned(q, &a), 0);
  ASSERT_STREQ(a.access_key, AK);
  ASSERT_EQ(a.expires, 86400);
  ASSERT_STREQ(a.signed_headers, "host");
  struct kv h[] = {{"host", "examplebucket.s3.amazonaws.com"}, {0, 0}};
  int ok;
  sign_check("GET", "/test.txt", q, h, "host", SIGV4_UNSIGNED,
             "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404", &ok);
  ASSERT(ok);
  ASSERT_EQ(sigv4_parse_presigned("a=b&c", &a), CAIRN_ENOENT);
  ASSERT_EQ(sigv4_parse_presigned("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=x", &a), CAIRN_EINVAL);
  ASSERT_EQ(sigv4_parse_presigned("X-Amz-Algorithm=%zz", &a), CAIRN_EINVAL);
}

static void authorization_parsing(void) {
  struct sigv4_auth a;
  const char *h = "AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request, "
                  "SignedHeaders=host;range;x-amz-date, "
                  "Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024";
  ASSERT_EQ(sigv4_parse_authorization(h, &a), 0);
  ASSERT_STREQ(a.access_key, "AK");
  ASSERT_STREQ(a.date, "20130524");
  ASSERT_STREQ(a.region, "us-east-1");
  ASSERT_STREQ(a.service, "s3");
  ASSERT_STREQ(a.signed_headers, "host;range;x-amz-date");
  ASSERT_EQ(sigv4_parse_authorization("AWS4-HMAC-SHA256 Credential=AK/2013/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00", &a), CAIRN_EINVAL);
  ASSERT_EQ(sigv4_parse_authorization("AWS AK:sig", &a), CAIRN_EINVAL);
  ASSERT_EQ(sigv4_parse_authorization("AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request", &a), CAIRN_EINVAL);
  ASSERT_EQ(sigv4_parse_authorization("AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/other, SignedHeaders=host, "
            "Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024", &a), CAIRN_EINVAL);
  ASSERT_EQ(sigv4_parse_authorization("AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request, SignedHeaders=HOST, "
            "Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024", &a), CAIRN_EINVAL);
}

static void canonical_rules(void) {
  char *q = sigv4_canonical_query("b=2&a=1&a=0&c&d=x%20y&e=a+b&f=%7e", 0);
  ASSERT_STREQ(q, "a=0&a=1&b=2&c=&d=x%20y&e=a%20b&f=~");   /* '+' is a space, as the values are read */
  xfree(q);
  q = sigv4_canonical_query("k=a%2Bb&z+y=1", 0);   /* a plus sign is %2B */
  ASSERT_STREQ(q, "k=a%2Bb&z%20y=1");
  xfree(q);
  ASSERT(sigv4_canonical_query("a=%2", 0) == NULL);
  char *u = sigv4_canonical_uri("/bucket/a%20b/c+d/%E2%82%AC!");
  ASSERT_STREQ(u, "/bucket/a%20b/c%2Bd/%E2%82%AC%21");
  xfree(u);
  u = sigv4_canonical_uri("");
  ASSERT_STREQ(u, "/");
  xfree(u);
}

static void seal_roundtrip(void) {
  uint8_t k[32] = {1, 2, 3}, k2[32] = {9};
  char *s = seal_encrypt(k, "top secret");
  ASSERT(s);
  char *p = seal_decrypt(k, s);
  ASSERT_STREQ(p, "top secret");
  xfree(p);
  ASSERT(seal_decrypt(k2, s) == NULL);
  s[30] = s[30] == 'a' ? 'b' : 'a';   /* tamper */
  ASSERT(seal_decrypt(k, s) == NULL);
  ASSERT(seal_decrypt(k, "zz") == NULL);
  xfree(s);
}

#define ID "517b058acb0f4af18e6b6cda39638eb3d38727330fe7014bf1bacd7604a07757"

static void locators(void) {
  struct locator l;
  ASSERT_EQ(locator_parse(ID, &l), 0);
  ASSERT_EQ(l.size, -1);
  ASSERT(!l.is_signed);
  ASSERT_EQ(locator_parse(ID "+1000", &l), 0);
  ASSERT_EQ(l.size, 1000);
  ASSERT_EQ(locator_parse(ID "+", &l), CAIRN_EINVAL);
  ASSERT_EQ(locator_parse(ID "x", &l), CAIRN_EINVAL);
  ASSERT_EQ(locator_parse("517B058ACB0F4AF18E6B6CDA39638EB3D38727330FE7014BF1BACD7604A07757", &l), CAIRN_EINVAL);
  ASSERT_EQ(locator_parse(ID "+1+K@x", &l), CAIRN_EINVAL);
  ASSERT_EQ(locator_parse(ID "+9999999999999999", &l), CAIRN_EINVAL);
  ASSERT_EQ(locator_parse("abc", &l), CAIRN_EINVAL);
  uint8_t key[32] = {7};
  char s[LOCATOR_MAX];
  locator_sign(key, ID, 1000, 2000000000, s);
  ASSERT_EQ(locator_parse(s, &l), 0);
  ASSERT(l.is_signed);
  ASSERT_EQ(l.expiry, 2000000000);
  ASSERT_EQ(locator_verify(key, &l, 1900000000), 0);
  ASSERT_EQ(locator_verify(key, &l, 2000000001), CAIRN_EEXPIRED);
  uint8_t other[32] = {8};
  ASSERT_EQ(locator_verify(other, &l, 1900000000), CAIRN_EAUTH);
  l.size = 1001;   /* tampered size */
  ASSERT_EQ(locator_verify(key, &l, 1900000000), CAIRN_EAUTH);
  /* a signature without a size hint is malformed */
  char bad[LOCATOR_MAX];
  snprintf(bad, sizeof bad, "%s+A%s@77", ID, ID);
  ASSERT_EQ(locator_parse(bad, &l), CAIRN_EINVAL);
}

/* The cached signing key is always the one the four HMACs derive, whichever secrets and scopes
 * share the cache's slots (200 secrets x 2 days, each asked for three times, interleaved). */
static void signing_key_cache(void) {
  for (int round = 0; round < 3; round++)
    for (int i = 0; i < 200; i++)
      for (int d = 0; d < 2; d++) {
        char secret[32];
        snprintf(secret, sizeof secret, "secret-%d", i);
        struct sigv4_auth a = {0};
        memcpy(a.date, d ? "20261121" : "20261120", 9);
        snprintf(a.region, sizeof a.region, "us-east-1");
        snprintf(a.service, sizeof a.service, "s3");
        uint8_t got[32], k1[32], k2[32], want[32];
        sigv4_signing_key(secret, &a, got);
        char ks[40];
        snprintf(ks, sizeof ks, "AWS4%s", secret);
        hmac_sha256(ks, strlen(ks), a.date, strlen(a.date), k1);
        hmac_sha256(k1, 32, a.region, strlen(a.region), k2);
        hmac_sha256(k2, 32, a.service, strlen(a.service), k1);
        hmac_sha256(k1, 32, "aws4_request", 12, want);
        ASSERT(!memcmp(got, want, 32));
      }
}

void suite_sigv4(void) {
  RUN(signing_key_cache);
  RUN(aws_get_object_example); RUN(aws_put_object_example); RUN(aws_list_objects_example);
  RUN(aws_presigned_example); RUN(authorization_parsing); RUN(canonical_rules);
}
/* The helper-thread digests equal the in-line ones, whatever the feed sizes and half size. */
static void hash_thread_digests(void) {
  enum { N = 1000003 };
  uint8_t *d = xmalloc(N), buf[1000];
  for (size_t i = 0; i < N; i++) d[i] = (uint8_t)(i * 31 + (i >> 9));
  uint8_t want_md5[16], want_sha[32], md5[16], sha[32];
  hash_ctx_t *h = hash_new(HASH_MD5);
  hash_update(h, d, N);
  hash_final(h, want_md5);
  hash_free(h);
  sha256(d, N, want_sha);
  hash_thread_t *t;
  ASSERT_EQ(hash_thread_start(buf, sizeof buf, 1, &t), 0);
  for (size_t off = 0, k = 1; off < N; off += k, k = k * 7 % 4099 + 1) hash_thread_feed(t, d + off, off + k > N ? N - off : k);
  hash_thread_finish(t, md5, sha);
  ASSERT(!memcmp(md5, want_md5, 16));
  ASSERT(!memcmp(sha, want_sha, 32));
  ASSERT_EQ(hash_thread_start(buf, sizeof buf, 0, &t), 0);   /* MD5 alone */
  for (size_t off = 0; off < N; off += 4096) hash_thread_feed(t, d + off, off + 4096 > N ? N - off : 4096);
  hash_thread_finish(t, md5, NULL);
  ASSERT(!memcmp(md5, want_md5, 16));
  ASSERT_EQ(hash_thread_start(buf, sizeof buf, 1, &t), 0);   /* an abort in mid-stream */
  hash_thread_feed(t, d, 5000);
  hash_thread_abort(t);
  ASSERT_EQ(hash_thread_start(buf, sizeof buf, 0, &t), 0);   /* an empty stream, and an abort */
  hash_thread_abort(t);
  ASSERT_EQ(hash_thread_start(buf, 1, 0, &t), CAIRN_EINVAL);
  xfree(d);
}

void suite_seal(void) { RUN(seal_roundtrip); RUN(hash_thread_digests); }
void suite_locator(void) { RUN(locators); }
