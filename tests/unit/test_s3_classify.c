/* test_s3_classify.c - the S3 request classifier (finding 4 of the trust issue: unknown
 * sub-resources used to fall through to the plain operation), strict URI decoding, and the
 * CRC-64/NVME checksum S3 SDKs send. */
#include "test.h"
#include "api/s3_classify.h"
#include "http/range.h"
#include "http/uri.h"
#include "util/err.h"
#include <stdint.h>
#include <string.h>
#include <strings.h>

static const char *hdr_present;
static int has(void *ctx, const char *name) { (void)ctx; return hdr_present && !strcasecmp(name, hdr_present); }

static int cls(const char *m, int b, int k, const char *q, enum s3_op *op) {
  struct s3_class_in in = {m, b, k, q, 0, has, NULL};
  const char *why;
  return s3_classify(&in, op, &why);
}

static void known_operations(void) {
  enum s3_op op;
  ASSERT_EQ(cls("GET", 0, 0, "", &op), 0); ASSERT_EQ(op, S3_LIST_BUCKETS);
  ASSERT_EQ(cls("PUT", 1, 0, "", &op), 0); ASSERT_EQ(op, S3_CREATE_BUCKET);
  ASSERT_EQ(cls("DELETE", 1, 0, "", &op), 0); ASSERT_EQ(op, S3_DELETE_BUCKET);
  ASSERT_EQ(cls("GET", 1, 0, "list-type=2&prefix=a&delimiter=%2F&encoding-type=url", &op), 0);
  ASSERT_EQ(op, S3_LIST_OBJECTS);
  ASSERT_EQ(cls("GET", 1, 0, "uploads&prefix=x&max-uploads=3", &op), 0); ASSERT_EQ(op, S3_MPU_LIST_UPLOADS);
  ASSERT_EQ(cls("POST", 1, 0, "delete", &op), 0); ASSERT_EQ(op, S3_DELETE_OBJECTS);
  ASSERT_EQ(cls("GET", 1, 0, "lifecycle=", &op), 0); ASSERT_EQ(op, S3_LIFECYCLE_GET);
  ASSERT_EQ(cls("GET", 1, 1, "x-id=GetObject&response-content-type=a", &op), 0); ASSERT_EQ(op, S3_GET_OBJECT);
  ASSERT_EQ(cls("PUT", 1, 1, "partNumber=3&uploadId=abc", &op), 0); ASSERT_EQ(op, S3_MPU_PART);
  ASSERT_EQ(cls("GET", 1, 1, "uploadId=abc&max-parts=5", &op), 0); ASSERT_EQ(op, S3_MPU_LIST_PARTS);
  ASSERT_EQ(cls("DELETE", 1, 1, "tagging", &op), 0); ASSERT_EQ(op, S3_TAGGING_DELETE);
  ASSERT_EQ(cls("PUT", 1, 0, "cors", &op), 0); ASSERT_EQ(op, S3_CORS_PUT);
  ASSERT_EQ(cls("OPTIONS", 1, 1, "", &op), 0); ASSERT_EQ(op, S3_CORS_PREFLIGHT);
  ASSERT_EQ(cls("OPTIONS", 0, 0, "", &op), CAIRN_EMETHOD);
  ASSERT_EQ(cls("GET", 1, 1, "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=00", &op), 0);
  struct s3_class_in in = {"PUT", 1, 1, "", 1, has, NULL};
  const char *why;
  ASSERT_EQ(s3_classify(&in, &op, &why), 0); ASSERT_EQ(op, S3_COPY_OBJECT);
}

static void refusals(void) {
  enum s3_op op;
  const char *subs[] = {"metrics", "website", "inventory", "replication", "logging", "notification"};
  for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) ASSERT_EQ(cls("DELETE", 1, 0, subs[i], &op), CAIRN_ENOTIMPL);
  ASSERT_EQ(cls("PUT", 1, 0, "versioning", &op), 0); ASSERT_EQ(op, S3_VERSIONING_PUT);
  ASSERT_EQ(cls("GET", 1, 0, "versions", &op), 0); ASSERT_EQ(op, S3_LIST_VERSIONS);
  ASSERT_EQ(cls("GET", 1, 0, "versions&marker=a", &op), CAIRN_ENOTIMPL);   /* v1's marker is not key-marker */
  ASSERT_EQ(cls("GET", 1, 0, "policyStatus", &op), 0); ASSERT_EQ(op, S3_POLICY_STATUS);
  ASSERT_EQ(cls("GET", 1, 1, "retention", &op), CAIRN_ENOTIMPL);
  ASSERT_EQ(cls("PUT", 1, 1, "partNumber=1", &op), CAIRN_EMETHOD);
  ASSERT_EQ(cls("PUT", 1, 1, "versionId=x", &op), CAIRN_ENOTIMPL);   /* no PUT of a version */
  ASSERT_EQ(cls("GET", 1, 1, "prefix=a", &op), CAIRN_ENOTIMPL);             /* a listing parameter */
  ASSERT_EQ(cls("GET", 1, 1, "x-amz-meta-a=b", &op), CAIRN_ENOTIMPL);       /* hoisted header */
  ASSERT_EQ(cls("GET", 1, 1, "tagging&tagging", &op), CAIRN_EINVAL);
  ASSERT_EQ(cls("GET", 1, 1, "a%00=b", &op), CAIRN_EINVAL);
  ASSERT_EQ(cls("POST", 1, 1, "", &op), CAIRN_EMETHOD);
  ASSERT_EQ(cls("POST", 1, 0, "lifecycle", &op), CAIRN_EMETHOD);
  ASSERT_EQ(cls("PUT", 0, 0, "", &op), CAIRN_EMETHOD);
  ASSERT_EQ(cls("DELETE", 1, 0, "encryption", &op), 0); ASSERT_EQ(op, S3_ENCRYPTION_DELETE);
  ASSERT_EQ(cls("GET", 1, 1, "encryption", &op), CAIRN_ENOTIMPL);   /* a bucket's, not an object's */
  /* SSE headers only where an operation honours them */
  hdr_present = "x-amz-server-side-encryption";
  ASSERT_EQ(cls("PUT", 1, 1, "", &op), 0); ASSERT_EQ(op, S3_PUT_OBJECT);
  ASSERT_EQ(cls("DELETE", 1, 1, "", &op), CAIRN_ENOTIMPL);
  ASSERT_EQ(cls("GET", 1, 1, "", &op), CAIRN_ENOTIMPL);
  hdr_present = "x-amz-server-side-encryption-customer-key";
  ASSERT_EQ(cls("GET", 1, 1, "", &op), 0);
  ASSERT_EQ(cls("GET", 1, 0, "", &op), CAIRN_ENOTIMPL);   /* a listing */
  hdr_present = "x-amz-server-side-encryption-aws-kms-key-id";
  ASSERT_EQ(cls("PUT", 1, 1, "", &op), CAIRN_ENOTIMPL);
  hdr_present = NULL;
}

static void strict_uri(void) {
  char out[64];
  const char *why;
  ASSERT_EQ(uri_decode_strict("/b/caf%C3%A9", 12, out, &why), 0); ASSERT_STREQ(out, "/b/caf\xc3\xa9");
  ASSERT_EQ(uri_decode_strict("/b/a+b%20c", 10, out, &why), 0); ASSERT_STREQ(out, "/b/a+b c");
  ASSERT_EQ(uri_decode_strict("/b/r.pdf%00.txt", 15, out, &why), CAIRN_EINVAL);
  ASSERT_EQ(uri_decode_strict("/b/%FF", 6, out, &why), CAIRN_EINVAL);
  ASSERT_EQ(uri_decode_strict("/b/%01", 6, out, &why), CAIRN_EINVAL);
  ASSERT_EQ(uri_decode_strict("/b/%7F", 6, out, &why), CAIRN_EINVAL);
  ASSERT_EQ(uri_decode_strict("/b/%C0%AF", 9, out, &why), CAIRN_EINVAL);    /* overlong '/' */
  ASSERT_EQ(uri_decode_strict("/b/%ED%A0%80", 12, out, &why), CAIRN_EINVAL); /* surrogate */
  ASSERT_EQ(uri_decode_strict("/b/%C2%85", 9, out, &why), CAIRN_EINVAL);    /* C1 control */
  ASSERT_EQ(uri_decode_strict("/b/%4", 5, out, &why), CAIRN_EINVAL);
  ASSERT_EQ(uri_decode_strict("/b/%", 4, out, &why), CAIRN_EINVAL);
  ASSERT_EQ(uri_decode_strict("/b/%zz", 6, out, &why), CAIRN_EINVAL);
  ASSERT_EQ(uri_query_ok("prefix=a%2Fb&list-type=2", &why), 0);
  ASSERT_EQ(uri_query_ok("prefix=a%00b", &why), CAIRN_EINVAL);
  ASSERT_EQ(uri_query_ok("a=%E0%80", &why), CAIRN_EINVAL);
}

static void if_range(void) {
  time_t t = 1700000000;   /* Tue, 14 Nov 2023 22:13:20 GMT */
  ASSERT_EQ(range_if_range_holds(NULL, "\"abc\"", t), 1);
  ASSERT_EQ(range_if_range_holds("\"abc\"", "\"abc\"", t), 1);
  ASSERT_EQ(range_if_range_holds("\"abd\"", "\"abc\"", t), 0);
  ASSERT_EQ(range_if_range_holds("W/\"abc\"", "\"abc\"", t), 0);
  ASSERT_EQ(range_if_range_holds("Tue, 14 Nov 2023 22:13:20 GMT", "\"abc\"", t), 1);
  ASSERT_EQ(range_if_range_holds("Tue, 14 Nov 2023 22:13:21 GMT", "\"abc\"", t), 0);
  ASSERT_EQ(range_if_range_holds("garbage", "\"abc\"", t), 0);
}

uint64_t s3_crc64nvme(uint64_t crc, const void *data, size_t n);   /* api/s3_checksum.c */

static void crc64nvme(void) {
  ASSERT(s3_crc64nvme(0, "123456789", 9) == 0xae8b14860a799888ull);   /* the catalogue's check value */
  uint64_t c = s3_crc64nvme(0, "1234", 4);
  ASSERT(s3_crc64nvme(c, "56789", 5) == 0xae8b14860a799888ull);       /* chained over pieces */
  ASSERT(s3_crc64nvme(0, "", 0) == 0);
}

void suite_s3_classify(void) { RUN(known_operations); RUN(refusals); RUN(strict_uri); RUN(if_range); RUN(crc64nvme); }
