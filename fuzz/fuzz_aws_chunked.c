/* fuzz_aws_chunked.c - libFuzzer target: the aws-chunked decoder, fed in two pieces, unsigned or
 * (odd first byte) verifying chunk signatures; the decoded byte count must match what the output
 * callback saw. */
#include "http/aws_chunked.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int count(void *ctx, const char *data, size_t n) {
  (void)data;
  *(uint64_t *)ctx += n;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct awschunk c;
  awschunk_init(&c);
  struct awschunk_signer sig = {{1, 2, 3}, "20130524T000000Z", "20130524/us-east-1/s3/aws4_request", ""};
  memset(sig.prev, 'a', 64);
  if (size && data[0] & 1) awschunk_sign(&c, &sig);
  uint64_t seen = 0;
  size_t half = size / 2;
  if (!awschunk_feed(&c, (const char *)data, half, count, &seen))
    awschunk_feed(&c, (const char *)data + half, size - half, count, &seen);
  if (seen != c.decoded) abort();
  char v[64];
  awschunk_trailer(&c, "x-amz-checksum-crc32", v, sizeof v);
  awschunk_free(&c);
  return 0;
}
