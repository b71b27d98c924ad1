/* sbuf.c - growable string buffer. */
#include "sbuf.h"
#include "alloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void grow(sbuf_t *b, size_t extra) {
  if (b->len + extra + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + extra + 1) cap *= 2;
  b->s = xrealloc(b->s, cap);
  b->cap = cap;
}

void sbuf_add(sbuf_t *b, const void *data, size_t n) {
  grow(b, n);
  if (n) memcpy(b->s + b->len, data, n);
  b->len += n;
  b->s[b->len] = 0;
}

void sbuf_adds(sbuf_t *b, const char *s) { sbuf_add(b, s, strlen(s)); }
void sbuf_addc(sbuf_t *b, char c) { sbuf_add(b, &c, 1); }

void sbuf_printf(sbuf_t *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  grow(b, (size_t)n);
  va_start(ap, fmt);
  vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

char *sbuf_steal(sbuf_t *b) {
  if (!b->s) sbuf_add(b, "", 0);
  char *s = b->s;
  b->s = NULL;
  b->len = b->cap = 0;
  return s;
}

void sbuf_free(sbuf_t *b) {
  xfree(b->s);
  b->s = NULL;
  b->len = b->cap = 0;
}

void sbuf_xml(sbuf_t *b, const char *name, const char *v) {
  sbuf_printf(b, "<%s>", name);
  for (; *v; v++) {
    if (*v == '<') sbuf_adds(b, "&lt;"); else if (*v == '&') sbuf_adds(b, "&amp;"); else if (*v == '>') sbuf_adds(b, "&gt;");
    else sbuf_addc(b, *v);
  }
  sbuf_printf(b, "</%s>", name);
}
