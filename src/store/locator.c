/* locator.c - parsing, signing and verification of block locators. */
#include "locator.h"
#include "../crypto/hash.h"
#include "../util/err.h"
#include "../util/hex.h"
#include <stdio.h>
#include <string.h>

int locator_parse(const char *s, struct locator *l) {
  memset(l, 0, sizeof *l);
  l->size = -1;
  if (strlen(s) < 64 || !hex_is_lower(s, 64)) return CAIRN_EINVAL;
  memcpy(l->id, s, 64);
  s += 64;
  if (*s == '+' && s[1] >= '0' && s[1] <= '9') {
    s++;
    int64_t v = 0;
    int n = 0;
    for (; *s >= '0' && *s <= '9'; s++, n++) {
      if (n >= 15) return CAIRN_EINVAL;   /* no block is a petabyte */
      v = v * 10 + (*s - '0');
    }
    l->size = v;
  }
  while (*s) {
    if (*s != '+') return CAIRN_EINVAL;
    s++;
    if (*s != 'A' || l->is_signed || l->size < 0) return CAIRN_EINVAL;
    s++;
    const char *at = strchr(s, '@');
    if (!at || at - s != 64 || !hex_is_lower(s, 64)) return CAIRN_EINVAL;
    memcpy(l->sig, s, 64);
    const char *e = at + 1;
    size_t el = strcspn(e, "+");
    if (hex_parse_u64(e, el, &l->expiry)) return CAIRN_EINVAL;
    l->is_signed = 1;
    s = e + el;
  }
  return 0;
}

static void mac(const uint8_t key[32], const char *id, uint64_t size, uint64_t expiry, char out[65]) {
  char msg[128];
  int n = snprintf(msg, sizeof msg, "%s+%llu@%llx", id, (unsigned long long)size,
                   (unsigned long long)expiry);
  uint8_t d[32];
  hmac_sha256(key, 32, msg, (size_t)n, d);
  hex_encode(d, 32, out);
}

void locator_sign(const uint8_t key[32], const char *id, uint64_t size, uint64_t expiry,
                  char out[LOCATOR_MAX]) {
  char sig[65];
  mac(key, id, size, expiry, sig);
  snprintf(out, LOCATOR_MAX, "%s+%llu+A%s@%llx", id, (unsigned long long)size, sig,
           (unsigned long long)expiry);
}

int locator_verify(const uint8_t key[32], const struct locator *l, time_t now) {
  if (!l->is_signed || l->size < 0) return CAIRN_EAUTH;
  char sig[65];
  mac(key, l->id, (uint64_t)l->size, l->expiry, sig);
  if (!crypto_memeq(sig, l->sig, 64)) return CAIRN_EAUTH;
  if ((uint64_t)now >= l->expiry) return CAIRN_EEXPIRED;
  return 0;
}
