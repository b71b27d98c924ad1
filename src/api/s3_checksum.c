/* s3_checksum.c - additional checksums of PutObject / UploadPart bodies: x-amz-checksum-crc32,
 * -crc32c, -sha1, -sha256, as a header or as an aws-chunked trailer (x-amz-trailer). The body's
 * checksum is computed while it streams, checked at the end (BadDigest), and kept with the object
 * so GET/HEAD return it under x-amz-checksum-mode: ENABLED. */
#include "s3.h"
#include "../crypto/hash.h"
#include "../util/err.h"
#include <openssl/evp.h>
#include <string.h>
#include <zlib.h>

static const char *names[] = {NULL, "x-amz-checksum-crc32", "x-amz-checksum-crc32c",
                              "x-amz-checksum-sha1", "x-amz-checksum-sha256"};

static uint32_t crc32c_table[256];

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
  for (int i = 1; i < 5; i++) {
    if ((trailer && !strcasecmp(trailer, names[i])) || http_header(r, names[i])) { q->ck_alg = i; break; }
  }
  if (trailer && !q->ck_alg) return CAIRN_ENOTIMPL;
  q->ck_trailer = trailer != NULL;
  q->ck_crc = 0;
  if (q->ck_alg == 2 && !crc32c_table[1]) crc32c_init();   /* benign race: same values */
  if (q->ck_alg >= 3) q->ck_hash = hash_new(q->ck_alg == 3 ? HASH_SHA1 : HASH_SHA256);
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
  return 0;
}
