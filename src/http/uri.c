/* uri.c - strict percent-decoding and text checks for request paths and queries (uri.h). */
#include "uri.h"
#include "../util/err.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int uri_text_ok(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s, *e = p + len;
  while (p < e) {
    unsigned c = *p;
    if (c < 0x20 || c == 0x7f) return 0;
    if (c < 0x80) { p++; continue; }
    size_t n;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0) n = 2, cp = c & 0x1f;
    else if ((c & 0xf0) == 0xe0) n = 3, cp = c & 0x0f;
    else if ((c & 0xf8) == 0xf0) n = 4, cp = c & 0x07;
    else return 0;
    if ((size_t)(e - p) < n) return 0;
    for (size_t i = 1; i < n; i++) {
      if ((p[i] & 0xc0) != 0x80) return 0;
      cp = cp << 6 | (p[i] & 0x3f);
    }
    /* overlong forms, UTF-16 surrogates, beyond U+10FFFF, C1 controls */
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff || (cp >= 0x80 && cp < 0xa0))
      return 0;
    p += n;
  }
  return 1;
}

int uri_decode_strict(const char *src, size_t n, char *dst, const char **why) {
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    char c = src[i];
    if (c == '%') {
      int hi = i + 2 < n ? hexval(src[i + 1]) : -1, lo = i + 2 < n ? hexval(src[i + 2]) : -1;
      if (hi < 0 || lo < 0) { *why = "malformed percent-escape in the path"; return CAIRN_EINVAL; }
      c = (char)(hi << 4 | lo);
      i += 2;
      if (!c) { *why = "a NUL byte (%00) is not allowed in a path"; return CAIRN_EINVAL; }
    } else if (!c) {
      *why = "a NUL byte is not allowed in a path";
      return CAIRN_EINVAL;
    }
    dst[o++] = c;
  }
  dst[o] = 0;
  if (!uri_text_ok(dst, o)) { *why = "the path must be valid UTF-8 without control characters"; return CAIRN_EINVAL; }
  return 0;
}

int uri_query_ok(const char *q, const char **why) {
  size_t n = strlen(q);
  char *buf = malloc(n + 1);
  if (!buf) return CAIRN_ENOMEM;
  int rc = 0;
  for (const char *p = q; *p && !rc;) {
    size_t seg = strcspn(p, "&=");
    if (uri_decode_strict(p, seg, buf, why)) {
      *why = "malformed query string (NUL, bad escape, invalid UTF-8 or a control character)";
      rc = CAIRN_EINVAL;
    }
    p += seg;
    if (*p) p++;
  }
  free(buf);
  return rc;
}
