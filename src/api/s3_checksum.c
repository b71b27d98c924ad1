/* s3_checksum.c - additional checksums of PutObject / UploadPart bodies: x-amz-checksum-crc32,
 * -crc32c, -crc64nvme, -sha1, -sha256, as a header or as an aws-chunked trailer (x-amz-trailer).
 * The body's checksum is computed while it streams, checked at the end (BadDigest), echoed in the
 * answer and kept with the object so GET/HEAD return it under x-amz-checksum-mode: ENABLED. */
#include "s3.h"
#include "../crypto/hash.h"
#include "../util/err.h"
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

static const char *names[] = {NULL, "x-amz-checksum-crc32", "x-amz-checksum-crc32c",
                              "x-amz-checksum-sha1", "x-amz-checksum-sha256", "x-amz-checksum-crc64nvme"};
#define NALGS 6

static uint32_t crc32c_table[256];
static uint64_t crc64_table[256];

static void crc64_init(void) {   /* CRC-64/NVME, reflected 0x9A6C9329AC4BC9B5 (0xAD93D23594C93659) */
  for (uint64_t i = 0; i < 256; i++) {
    uint64_t c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ 0x9A6C9329AC4BC9B5ull : c >> 1;
    crc64_table[i] = c;
  }
}

uint64_t s3_crc64nvme(uint64_t crc, const void *data, size_t n) {
  if (!crc64_table[1]) crc64_init();   /* benign race: same values */
  const unsigned char *d = data;
  uint64_t c = ~crc;
  for (size_t i = 0; i < n; i++) c = crc64_table[(c ^ d[i]) & 0xff] ^ (c >> 8);
  return ~c;
}

static void crc32c_init(void) {   /* Castagnoli, reflected 0x82F63B78 */
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    crc32c_table[i] = c;
  }
}

int s3_checksum_begin(req_t *r, struct s3_req *q) {
  const char *trailer = http_header(r, "x-amz-trailer");
  q->ck_alg = 0;
  for (int i = 1; i < NALGS; i++) {
    if ((trailer && !strcasecmp(trailer, names[i])) || http_header(r, names[i])) { q->ck_alg = i; break; }
  }
  if (trailer && !q->ck_alg) return CAIRN_ENOTIMPL;
  q->ck_trailer = trailer != NULL;
  q->ck_crc = 0;
  q->ck_crc64 = 0;
  q->ck_b64[0] = 0;
  if (q->ck_alg == 2 && !crc32c_table[1]) crc32c_init();   /* benign race: same values */
  if (q->ck_alg == 3 || q->ck_alg == 4) q->ck_hash = hash_new(q->ck_alg == 3 ? HASH_SHA1 : HASH_SHA256);
  return 0;
}

void s3_checksum_update(struct s3_req *q, const char *data, size_t n) {
  const unsigned char *d = (const unsigned char *)data;
  switch (q->ck_alg) {
  case 1: q->ck_crc = (uint32_t)crc32(q->ck_crc, d, (uInt)n); break;
  case 2: {
    uint32_t c = ~q->ck_crc;
    for (size_t i = 0; i < n; i++) c = crc32c_table[(c ^ d[i]) & 0xff] ^ (c >> 8);
    q->ck_crc = ~c;
    break;
  }
  case 3: case 4: hash_update(q->ck_hash, d, n); break;
  case 5: q->ck_crc64 = s3_crc64nvme(q->ck_crc64, d, n); break;
  default: break;
  }
}

/* Compares with the header or trailer value; on success adds it to the stored headers. */
int s3_checksum_finish(req_t *r, struct s3_req *q, const char **headers_json) {
  if (!q->ck_alg) return 0;
  unsigned char raw[32];
  size_t len = 4;
  if (q->ck_alg <= 2) {
    raw[0] = (unsigned char)(q->ck_crc >> 24); raw[1] = (unsigned char)(q->ck_crc >> 16);
    raw[2] = (unsigned char)(q->ck_crc >> 8); raw[3] = (unsigned char)q->ck_crc;
  } else if (q->ck_alg == 5) {   /* big-endian, as S3 encodes it */
    len = 8;
    for (int i = 0; i < 8; i++) raw[i] = (unsigned char)(q->ck_crc64 >> (56 - 8 * i));
  } else {
    len = hash_final(q->ck_hash, raw);
  }
  char b64[64];
  EVP_EncodeBlock((unsigned char *)b64, raw, (int)len);
  char want[128];
  const char *h = http_header(r, names[q->ck_alg]);
  if (q->ck_trailer) { if (awschunk_trailer(&q->dec, names[q->ck_alg], want, sizeof want)) return CAIRN_EBADDIGEST; }
  else snprintf(want, sizeof want, "%s", h ? h : "");
  if (strcmp(want, b64)) return CAIRN_EBADDIGEST;
  *headers_json = s3_headers_add(r, *headers_json, names[q->ck_alg], b64);
  snprintf(q->ck_b64, sizeof q->ck_b64, "%s", b64);
  return 0;
}

const char *s3_checksum_name(const struct s3_req *q) { return q->ck_alg > 0 && q->ck_alg < NALGS ? names[q->ck_alg] : NULL;
}

int s3_checksum_alg(const char *name) {
  for (int i = 1; i < NALGS; i++) if (name && !strcasecmp(name, names[i] + 15)) return i;   /* "crc32", ... */
  return 0;
}

const char *s3_checksum_header(int alg) { return alg > 0 && alg < NALGS ? names[alg] : NULL; }

/* CRC combination (zlib's crc32_combine, any reflected CRC whose init and xorout are all ones):
 * crc(A|B) from crc(A), crc(B) and len(B), by applying len(B) zero bytes to crc(A) as a GF(2)
 * matrix raised by squaring. */
static uint64_t gf2_times(const uint64_t *mat, uint64_t vec) {
  uint64_t sum = 0;
  for (; vec; vec >>= 1, mat++) if (vec & 1) sum ^= *mat;
  return sum;
}

static void gf2_square(uint64_t *sq, const uint64_t *mat, int w) {
  for (int n = 0; n < w; n++) sq[n] = gf2_times(mat, mat[n]);
}

uint64_t s3_crc_combine(uint64_t crc1, uint64_t crc2, uint64_t len2, uint64_t poly, int w) {
  uint64_t even[64], odd[64], row = 1;
  if (!len2) return crc1;
  odd[0] = poly;   /* the operator for one zero bit */
  for (int n = 1; n < w; n++) { odd[n] = row; row <<= 1; }
  gf2_square(even, odd, w);   /* two zero bits */
  gf2_square(odd, even, w);   /* four */
  do {                        /* one zero byte first, then doubling */
    gf2_square(even, odd, w);
    if (len2 & 1) crc1 = gf2_times(even, crc1);
    if (!(len2 >>= 1)) break;
    gf2_square(odd, even, w);
    if (len2 & 1) crc1 = gf2_times(odd, crc1);
    len2 >>= 1;
  } while (len2);
  return crc1 ^ crc2;
}

int s3_checksum_full(int alg, const unsigned char *raw, const uint64_t *sizes, int parts, char *out, size_t cap) {
  static const uint64_t polys[] = {0, 0xEDB88320u, 0x82F63B78u, 0, 0, 0x9A6C9329AC4BC9B5ull};
  int bytes = alg == 5 ? 8 : 4;
  if (alg != 1 && alg != 2 && alg != 5) return CAIRN_EINVALIDREQUEST;   /* SHA checksums are composite only */
  uint64_t crc = 0;
  for (int i = 0; i < parts; i++) {
    uint64_t c = 0;
    for (int k = 0; k < bytes; k++) c = c << 8 | raw[i * bytes + k];
    crc = i ? s3_crc_combine(crc, c, sizes[i], polys[alg], bytes * 8) : c;
  }
  unsigned char d[8];
  for (int k = 0; k < bytes; k++) d[k] = (unsigned char)(crc >> (8 * (bytes - 1 - k)));
  char b64[16];
  EVP_EncodeBlock((unsigned char *)b64, d, bytes);
  snprintf(out, cap, "%s", b64);
  return 0;
}

int s3_checksum_composite(int alg, const unsigned char *raw, size_t len, int parts, char *out, size_t cap) {
  unsigned char d[32];
  size_t dl = 4;
  if (alg == 1 || alg == 2) {
    struct s3_req t;
    memset(&t, 0, sizeof t);
    t.ck_alg = alg;
    if (alg == 2 && !crc32c_table[1]) crc32c_init();
    s3_checksum_update(&t, (const char *)raw, len);
    d[0] = (unsigned char)(t.ck_crc >> 24); d[1] = (unsigned char)(t.ck_crc >> 16);
    d[2] = (unsigned char)(t.ck_crc >> 8); d[3] = (unsigned char)t.ck_crc;
  } else if (alg == 3 || alg == 4) {
    hash_ctx_t *h = hash_new(alg == 3 ? HASH_SHA1 : HASH_SHA256);
    hash_update(h, raw, len);
    dl = hash_final(h, d);
    hash_free(h);
  } else {
    return CAIRN_ENOTIMPL;   /* crc64nvme is a full-object checksum in S3, not composite */
  }
  char b64[64];
  EVP_EncodeBlock((unsigned char *)b64, d, (int)dl);
  snprintf(out, cap, "%s-%d", b64, parts);
  return 0;
}
