/* range.c - "bytes=a-b", "bytes=a-", "bytes=-n"; anything else is ignored as RFC 9110 allows. */
#include "range.h"
#include <ctype.h>
#include <string.h>

static const char *num(const char *s, uint64_t *v, int *ok) {
  *ok = 0;
  *v = 0;
  while (isdigit((unsigned char)*s)) {
    if (*v > (UINT64_MAX - 9) / 10) { *ok = 0; return s; }
    *v = *v * 10 + (uint64_t)(*s++ - '0');
    *ok = 1;
  }
  return s;
}

enum range_result range_parse(const char *h, uint64_t size, uint64_t *start, uint64_t *len) {
  if (!h) return RANGE_NONE;
  while (*h == ' ') h++;
  if (strncmp(h, "bytes=", 6)) return RANGE_NONE;
  h += 6;
  while (*h == ' ') h++;
  if (strchr(h, ',')) return RANGE_NONE;   /* multiple ranges: serve the whole body */
  uint64_t a, b;
  int ha, hb;
  const char *p = num(h, &a, &ha);
  if (*p != '-') return RANGE_NONE;
  p = num(p + 1, &b, &hb);
  while (*p == ' ') p++;
  if (*p || (!ha && !hb)) return RANGE_NONE;
  if (!ha) {                        /* suffix: last b bytes */
    if (b == 0 || size == 0) return RANGE_UNSATISFIABLE;
    if (b > size) b = size;
    *start = size - b;
    *len = b;
    return RANGE_OK;
  }
  if (hb && b < a) return RANGE_NONE;   /* invalid: ignore */
  if (a >= size) return RANGE_UNSATISFIABLE;
  uint64_t end = hb && b < size - 1 ? b : size - 1;
  *start = a;
  *len = end - a + 1;
  return RANGE_OK;
}

int range_if_range_holds(const char *if_range, const char *quoted_etag, time_t mtime) {
  if (!if_range) return 1;
  while (*if_range == ' ') if_range++;
  if (*if_range == '"' || !strncmp(if_range, "W/", 2)) return !strcmp(if_range, quoted_etag);   /* weak never matches */
  struct tm tm = {0};
  const char *end = strptime(if_range, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return end && !*end && timegm(&tm) == mtime;
}
