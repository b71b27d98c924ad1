/* hex.c - hex helpers used by block ids, signatures and locators. */
#include "hex.h"
#include "err.h"

static int nib(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void hex_encode(const uint8_t *in, size_t n, char *out) {
  static const char d[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = d[in[i] >> 4];
    out[2 * i + 1] = d[in[i] & 15];
  }
  out[2 * n] = 0;
}

int hex_decode(const char *in, size_t n, uint8_t *out) {
  if (n % 2) return CAIRN_EINVAL;
  for (size_t i = 0; i < n; i += 2) {
    int h = nib(in[i]), l = nib(in[i + 1]);
    if (h < 0 || l < 0) return CAIRN_EINVAL;
    out[i / 2] = (uint8_t)(h << 4 | l);
  }
  return 0;
}

int hex_is_lower(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
  return 1;
}

int hex_parse_u64(const char *s, size_t n, uint64_t *out) {
  if (n == 0 || n > 16) return CAIRN_EINVAL;
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    int d = nib(s[i]);
    if (d < 0) return CAIRN_EINVAL;
    v = v << 4 | (uint64_t)d;
  }
  *out = v;
  return 0;
}
