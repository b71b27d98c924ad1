/* base64.c - base64 encode/decode with exact padding rules (see base64.h). */
#include "base64.h"
#include "alloc.h"
#include <openssl/evp.h>
#include <string.h>

char *base64_encode(const void *data, size_t n) {
  char *out = xmalloc(4 * ((n + 2) / 3) + 1);
  EVP_EncodeBlock((unsigned char *)out, data, (int)n);
  return out;
}

unsigned char *base64_decode(const char *t, size_t max, size_t *outlen) {
  size_t n = strlen(t), pad = 0;
  if (n % 4 || n > max) return NULL;
  while (pad < n && pad < 3 && t[n - 1 - pad] == '=') pad++;
  if (pad > 2) return NULL;
  for (size_t i = 0; i < n - pad; i++) if (t[i] == '=') return NULL;
  unsigned char *out = xmalloc(n / 4 * 3 + 1);
  int k = EVP_DecodeBlock(out, (const unsigned char *)t, (int)n);
  if (k < 0 || (size_t)k < pad) { xfree(out); return NULL; }
  k -= (int)pad;
  out[k] = 0;
  *outlen = (size_t)k;
  return out;
}
