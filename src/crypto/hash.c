/* hash.c - thin wrappers over OpenSSL EVP digests and HMAC. */
#include "hash.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/hex.h"
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

struct hash_ctx { EVP_MD_CTX *ctx; const EVP_MD *md; };

hash_ctx_t *hash_new(enum hash_alg alg) {
  hash_ctx_t *h = xmalloc(sizeof *h);
  h->md = alg == HASH_MD5 ? EVP_md5() : alg == HASH_SHA1 ? EVP_sha1() : EVP_sha256();
  h->ctx = EVP_MD_CTX_new();
  if (!h->ctx) { xfree(h); return NULL; }
  EVP_DigestInit_ex(h->ctx, h->md, NULL);
  return h;
}

void hash_update(hash_ctx_t *h, const void *data, size_t n) {
  if (n) EVP_DigestUpdate(h->ctx, data, n);
}

size_t hash_final(hash_ctx_t *h, uint8_t *out) {
  unsigned int n = 0;
  EVP_DigestFinal_ex(h->ctx, out, &n);
  return n;
}

void hash_reset(hash_ctx_t *h) { EVP_DigestInit_ex(h->ctx, h->md, NULL); }

void hash_free(hash_ctx_t *h) {
  if (!h) return;
  EVP_MD_CTX_free(h->ctx);
  xfree(h);
}

void sha256(const void *data, size_t n, uint8_t out[32]) {
  unsigned int len = 32;
  EVP_Digest(data, n, out, &len, EVP_sha256(), NULL);
}

void md5(const void *data, size_t n, uint8_t out[16]) {
  unsigned int len = 16;
  EVP_Digest(data, n, out, &len, EVP_md5(), NULL);
}

void sha256_hex(const void *data, size_t n, char out[65]) {
  uint8_t d[32];
  sha256(data, n, d);
  hex_encode(d, 32, out);
}

void hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen, uint8_t out[32]) {
  unsigned int len = 32;
  HMAC(EVP_sha256(), key, (int)klen, msg, mlen, out, &len);
}

int crypto_random(void *buf, size_t n) {
  return RAND_bytes(buf, (int)n) == 1 ? 0 : CAIRN_EIO;
}

int crypto_memeq(const void *a, const void *b, size_t n) { return CRYPTO_memcmp(a, b, n) == 0; }
