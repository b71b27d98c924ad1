/* hash.h - SHA-256, MD5 and HMAC-SHA256 over OpenSSL EVP; streaming and one-shot forms. */
#ifndef CAIRN_HASH_H
#define CAIRN_HASH_H
#include <stddef.h>
#include <stdint.h>

typedef struct hash_ctx hash_ctx_t;
enum hash_alg { HASH_SHA256, HASH_MD5, HASH_SHA1 };

hash_ctx_t *hash_new(enum hash_alg alg);           /* caller frees with hash_free */
void hash_update(hash_ctx_t *h, const void *data, size_t n);
size_t hash_final(hash_ctx_t *h, uint8_t *out);    /* 32, 16 or 20 bytes; h may be reused after hash_reset */
void hash_reset(hash_ctx_t *h);
void hash_free(hash_ctx_t *h);

void sha256(const void *data, size_t n, uint8_t out[32]);
void sha256_hex(const void *data, size_t n, char out[65]);
void md5(const void *data, size_t n, uint8_t out[16]);
void hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen, uint8_t out[32]);
int crypto_random(void *buf, size_t n);              /* 0 or CAIRN_EIO */
int crypto_memeq(const void *a, const void *b, size_t n);   /* constant time; 1 if equal */

#endif
