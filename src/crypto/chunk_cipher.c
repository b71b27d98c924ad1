/* chunk_cipher.c - AES-256-GCM chunk sealing with convergent keys (chunk_cipher.h). */
#include "chunk_cipher.h"
#include "hash.h"
#include "../util/err.h"
#include "../util/hex.h"
#include <openssl/evp.h>
#include <string.h>

static const uint8_t nonce[12];   /* fixed: a chunk key never seals two plaintexts */

int cc_seal(const uint8_t root[32], uint8_t *buf, size_t n, uint8_t key[32]) {
  uint8_t msg[6 + 32];
  memcpy(msg, "chunk:", 6);
  sha256(buf, n, msg + 6);
  hmac_sha256(root, 32, msg, sizeof msg, key);
  int len = 0, rc = CAIRN_EIO;
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  if (c && n <= INT32_MAX && EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, nonce) == 1 &&
      EVP_EncryptUpdate(c, buf, &len, buf, (int)n) == 1 && EVP_EncryptFinal_ex(c, buf + len, &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, CC_TAG, buf + n) == 1)
    rc = 0;
  EVP_CIPHER_CTX_free(c);
  return rc;
}

int cc_open(const uint8_t key[32], uint8_t *buf, size_t n) {
  if (n < CC_TAG || n - CC_TAG > INT32_MAX) return CAIRN_ECORRUPT;
  size_t pn = n - CC_TAG;
  int len = 0, rc = CAIRN_ECORRUPT;
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  if (c && EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, nonce) == 1 &&
      EVP_DecryptUpdate(c, buf, &len, buf, (int)pn) == 1 &&
      EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, CC_TAG, buf + pn) == 1 &&
      EVP_DecryptFinal_ex(c, buf + len, &len) == 1)
    rc = 0;
  EVP_CIPHER_CTX_free(c);
  if (rc) memset(buf, 0, pn);   /* nothing unauthenticated is left to read */
  return rc;
}

static void pad(const uint8_t root[32], const char *id, uint8_t out[32]) {
  uint8_t msg[5 + 64];
  memcpy(msg, "wrap:", 5);
  memcpy(msg + 5, id, 64);
  hmac_sha256(root, 32, msg, sizeof msg, out);
}

void cc_wrap(const uint8_t root[32], const char *id, const uint8_t key[32], char hex[65]) {
  uint8_t p[32];
  pad(root, id, p);
  for (int i = 0; i < 32; i++) p[i] ^= key[i];
  hex_encode(p, 32, hex);
}

int cc_unwrap(const uint8_t root[32], const char *id, const char *hex, uint8_t key[32]) {
  uint8_t w[32], p[32];
  if (strlen(hex) != 64 || hex_decode(hex, 64, w)) return CAIRN_EINVAL;
  pad(root, id, p);
  for (int i = 0; i < 32; i++) key[i] = w[i] ^ p[i];
  return 0;
}
