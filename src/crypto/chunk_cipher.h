/* chunk_cipher.h - convergent encryption of object chunks at rest (SSE-S3, SSE-C): AES-256-GCM
 * under a key derived from a root key (the server's SSE key, or a customer's SSE-C key) and the
 * chunk's plaintext SHA-256, with a fixed nonce: each chunk key encrypts exactly one plaintext, so
 * equal chunks under one root encrypt to equal blocks and still deduplicate. The manifest keeps a
 * chunk's key wrapped (XORed with HMAC(root, "wrap" | block id)): without the root, the catalog
 * reveals neither the key nor the plaintext's hash. */
#ifndef CAIRN_CHUNK_CIPHER_H
#define CAIRN_CHUNK_CIPHER_H
#include <stddef.h>
#include <stdint.h>

#define CC_TAG 16   /* bytes a sealed chunk adds: the GCM tag, at its end */

/* Encrypts buf[0..n) in place and appends the tag (buf holds n + CC_TAG); key: the chunk key. */
int cc_seal(const uint8_t root[32], uint8_t *buf, size_t n, uint8_t key[32]);
/* Decrypts a sealed chunk of n bytes (tag included) in place: 0 with n - CC_TAG bytes of
 * plaintext, or CAIRN_ECORRUPT when the tag does not match (wrong key or changed bytes). */
int cc_open(const uint8_t key[32], uint8_t *buf, size_t n);
/* key <-> its wrapped form (64 hex digits) under root for the block named id; one function both
 * ways. unwrap: CAIRN_EINVAL on a malformed hex string. */
void cc_wrap(const uint8_t root[32], const char *id, const uint8_t key[32], char hex[65]);
int cc_unwrap(const uint8_t root[32], const char *id, const char *hex, uint8_t key[32]);

#endif
