/* seal.h - authenticated encryption of small secrets at rest (AES-256-GCM, random nonce). */
#ifndef CAIRN_SEAL_H
#define CAIRN_SEAL_H
#include <stddef.h>
#include <stdint.h>

/* Returns a heap hex string nonce|ciphertext|tag (caller xfrees), or NULL on failure. */
char *seal_encrypt(const uint8_t key[32], const char *plaintext);
/* Returns the heap plaintext (caller xfrees), or NULL when the key is wrong or data tampered. */
char *seal_decrypt(const uint8_t key[32], const char *sealed_hex);

#endif
