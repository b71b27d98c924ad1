/* seal.c - AES-256-GCM seal/open for user secrets stored in the metadata database. */
#include "seal.h"
#include "hash.h"
#include "../util/alloc.h"
#include "../util/hex.h"
#include <openssl/evp.h>
#include <string.h>

#define NONCE 12
#define TAG 16

char *seal_encrypt(const uint8_t key[32], const char *pt) {
  size_t n = strlen(pt);
  uint8_t *buf = xmalloc(NONCE + n + TAG);
  char *hex = NULL;
  int len = 0;
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  if (!c || crypto_random(buf, NONCE) ||
      EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, buf) != 1 ||
      EVP_EncryptUpdate(c, buf + NONCE, &len, (const uint8_t *)pt, (int)n) != 1 ||
      EVP_EncryptFinal_ex(c, buf + NONCE + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG, buf + NONCE + n) != 1)
    goto out;
  hex = xmalloc(2 * (NONCE + n + TAG) + 1);
  hex_encode(buf, NONCE + n + TAG, hex);
out:
  EVP_CIPHER_CTX_free(c);
  xfree(buf);
  return hex;
}

char *seal_decrypt(const uint8_t key[32], const char *sealed) {
  size_t hl = strlen(sealed);
  if (hl % 2 || hl / 2 < NONCE + TAG) return NULL;
  size_t total = hl / 2, n = total - NONCE - TAG;
  uint8_t *buf = xmalloc(total);
  char *pt = NULL, *res = NULL;
  int len = 0;
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  if (hex_decode(sealed, hl, buf)) goto out;
  pt = xmalloc(n + 1);
  if (!c || EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, buf) != 1 ||
      EVP_DecryptUpdate(c, (uint8_t *)pt, &len, buf + NONCE, (int)n) != 1 ||
      EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG, buf + NONCE + n) != 1 ||
      EVP_DecryptFinal_ex(c, (uint8_t *)pt + len, &len) != 1)
    goto out;
  pt[n] = 0;
  res = pt;
  pt = NULL;
out:
  EVP_CIPHER_CTX_free(c);
  xfree(buf);
  xfree(pt);
  return res;
}
