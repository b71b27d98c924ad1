/* test_aws_chunked.c - the aws-chunked decoder: unsigned with trailers, and the signed form
 * checked against the worked example in AWS "Transferring Payload in Multiple Chunks". */
#include "test.h"
#include "crypto/sigv4.h"
#include "http/aws_chunked.h"
#include "util/err.h"
#include "util/sbuf.h"
#include <stdlib.h>

static size_t total;
static int count_out(void *ctx, const char *d, size_t n) { (void)ctx; (void)d; total += n; return 0; }

/* The AWS example: 66560 bytes of 'a' in a 65536-byte and a 1024-byte chunk. */
static const char *SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
static const char *SIGS[3] = {"ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
                              "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
                              "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"};

static void example_signer(struct awschunk_signer *s) {
  struct sigv4_auth a = {0};
  strcpy(a.date, "20130524"); strcpy(a.region, "us-east-1"); strcpy(a.service, "s3");
  sigv4_signing_key("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", &a, s->key);
  strcpy(s->date, "20130524T000000Z");
  sigv4_scope(&a, s->scope, sizeof s->scope);
  strcpy(s->prev, SEED);
}

static void example_body(sbuf_t *b, const char *sig1) {
  static char as[65536];
  memset(as, 'a', sizeof as);
  sbuf_printf(b, "10000;chunk-signature=%s\r\n", sig1);
  sbuf_add(b, as, 65536);
  sbuf_printf(b, "\r\n400;chunk-signature=%s\r\n", SIGS[1]);
  sbuf_add(b, as, 1024);
  sbuf_printf(b, "\r\n0;chunk-signature=%s\r\n\r\n", SIGS[2]);
}

/* feeds b in pieces of step bytes */
static int feed(struct awschunk *c, const sbuf_t *b, size_t step) {
  total = 0;
  for (size_t off = 0; off < b->len; off += step) {
    int rc = awschunk_feed(c, b->s + off, b->len - off < step ? b->len - off : step, count_out, NULL);
    if (rc) return rc;
  }
  return 0;
}

static void signed_example(void) {
  size_t steps[] = {1, 7, 4096, 1 << 20};
  for (int i = 0; i < 4; i++) {
    struct awschunk_signer s;
    struct awschunk c;
    sbuf_t b = {0};
    example_signer(&s);
    example_body(&b, SIGS[0]);
    awschunk_init(&c);
    awschunk_sign(&c, &s);
    int rc = feed(&c, &b, steps[i]);
    awschunk_free(&c);
    sbuf_free(&b);
    ASSERT_EQ(rc, 0);
    ASSERT(awschunk_done(&c));
    ASSERT_EQ(total, 66560);
    ASSERT_STREQ(s.prev, SIGS[2]);
  }
}

static void signed_tampering(void) {
  struct awschunk_signer s;
  struct awschunk c;
  sbuf_t b = {0};
  /* a wrong first signature */
  example_signer(&s);
  example_body(&b, SIGS[1]);
  awschunk_init(&c);
  awschunk_sign(&c, &s);
  ASSERT_EQ(feed(&c, &b, 4096), CAIRN_ESIG);
  awschunk_free(&c);
  /* one data byte changed */
  sbuf_free(&b);
  example_body(&b, SIGS[0]);
  b.s[200] = 'b';
  example_signer(&s);
  awschunk_init(&c);
  awschunk_sign(&c, &s);
  ASSERT_EQ(feed(&c, &b, 4096), CAIRN_ESIG);
  awschunk_free(&c);
  /* a missing chunk signature */
  example_signer(&s);
  awschunk_init(&c);
  awschunk_sign(&c, &s);
  ASSERT_EQ(awschunk_feed(&c, "5\r\nhello\r\n", 10, count_out, NULL), CAIRN_ESIG);
  awschunk_free(&c);
  sbuf_free(&b);
}

static void unsigned_trailers(void) {
  struct awschunk c;
  const char *body = "5\r\nhello\r\n3;ext=1\r\n!!!\r\n0\r\nx-amz-checksum-crc32:AbCd==\r\n\r\n";
  awschunk_init(&c);
  total = 0;
  ASSERT_EQ(awschunk_feed(&c, body, strlen(body), count_out, NULL), 0);
  ASSERT(awschunk_done(&c));
  ASSERT_EQ(total, 8);
  char v[64];
  ASSERT_EQ(awschunk_trailer(&c, "x-amz-checksum-crc32", v, sizeof v), 0);
  ASSERT_STREQ(v, "AbCd==");
  awschunk_init(&c);
  ASSERT_EQ(awschunk_feed(&c, "5\r\nhelloX", 9, count_out, NULL), 0);
  ASSERT_EQ(awschunk_feed(&c, "\r\n", 2, count_out, NULL), CAIRN_EINVAL);
}

void suite_awschunk(void) { RUN(signed_example); RUN(signed_tampering); RUN(unsigned_trailers); }
