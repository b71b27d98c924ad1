/* fuzz_s3_classify.c - libFuzzer target: the S3 request classifier. Input: one byte of flags
 * (method, bucket, key, copy source), then the raw query string. Checks that a refusal comes with
 * a known error and an accepted request names an operation that fits the bucket/key shape. */
#include "api/s3_classify.h"
#include "util/err.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int no_header(void *ctx, const char *name) { (void)ctx; (void)name; return 0; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *methods[] = {"GET", "HEAD", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", ""};
  if (size < 1) return 0;
  char *q = malloc(size);
  memcpy(q, data + 1, size - 1);
  q[size - 1] = 0;
  struct s3_class_in in = {methods[data[0] & 7], (data[0] >> 3) & 1, (data[0] >> 4) & 1, q, (data[0] >> 5) & 1,
                           no_header, NULL};
  if (in.key && !in.bucket) in.key = 0;
  enum s3_op op;
  const char *why;
  int rc = s3_classify(&in, &op, &why);
  if (rc && rc != CAIRN_EINVAL && rc != CAIRN_EMETHOD && rc != CAIRN_ENOTIMPL) abort();
  if (!rc && !in.bucket && op != S3_LIST_BUCKETS) abort();
  if (!rc && in.bucket && !in.key && (op == S3_GET_OBJECT || op == S3_PUT_OBJECT || op == S3_DELETE_OBJECT)) abort();
  if (!rc && in.key && (op == S3_DELETE_BUCKET || op == S3_LIST_OBJECTS || op == S3_CREATE_BUCKET)) abort();
  free(q);
  return 0;
}
