/* aws_chunked.c - the aws-chunked state machine (AWS "Signature Calculations for the Authorization
 * Header: Transferring Payload in Multiple Chunks", trailing-header form). */
#include "aws_chunked.h"
#include "../util/err.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>

enum { S_SIZE, S_DATA, S_DATA_END, S_TRAILER, S_DONE };

void awschunk_init(struct awschunk *c) { memset(c, 0, sizeof *c); }
int awschunk_done(const struct awschunk *c) { return c->state == S_DONE; }

/* A size line: hex digits, optionally ";chunk-signature=..." (ignored in the unsigned form). */
static int size_line(struct awschunk *c) {
  uint64_t v = 0;
  size_t i = 0;
  for (; i < c->linelen && isxdigit((unsigned char)c->line[i]); i++) {
    if (i >= 15) return CAIRN_EINVAL;
    int d = c->line[i] <= '9' ? c->line[i] - '0' : (c->line[i] | 32) - 'a' + 10;
    v = v << 4 | (uint64_t)d;
  }
  if (!i || (i < c->linelen && c->line[i] != ';')) return CAIRN_EINVAL;
  c->left = v;
  c->state = v ? S_DATA : S_TRAILER;
  return 0;
}

static int trailer_line(struct awschunk *c) {
  if (!c->linelen) { c->state = S_DONE; return 0; }
  const char *colon = memchr(c->line, ':', c->linelen);
  if (!colon || c->tlen + c->linelen + 2 > sizeof c->trailers) return CAIRN_EINVAL;
  for (size_t i = 0; i < c->linelen; i++) {
    char ch = c->line + i < colon ? (char)tolower((unsigned char)c->line[i]) : c->line[i];
    c->trailers[c->tlen++] = ch;
  }
  c->trailers[c->tlen++] = '\n';
  c->trailers[c->tlen] = 0;
  return 0;
}

int awschunk_feed(struct awschunk *c, const char *in, size_t n, awschunk_out_fn out, void *ctx) {
  while (n) {
    if (c->state == S_DONE) return CAIRN_EINVAL;   /* bytes after the end */
    if (c->state == S_DATA) {
      size_t k = c->left < n ? (size_t)c->left : n;
      int rc = out(ctx, in, k);
      if (rc) return rc;
      c->left -= k;
      c->decoded += k;
      in += k;
      n -= k;
      if (!c->left) c->state = S_DATA_END;
      continue;
    }
    /* line-oriented states: collect up to CRLF */
    char ch = *in++;
    n--;
    if (ch == '\n') {
      if (!c->linelen || c->line[c->linelen - 1] != '\r') return CAIRN_EINVAL;
      c->linelen--;
      int rc = 0;
      if (c->state == S_SIZE) rc = size_line(c);
      else if (c->state == S_DATA_END) { if (c->linelen) rc = CAIRN_EINVAL; else c->state = S_SIZE; }
      else rc = trailer_line(c);
      c->linelen = 0;
      if (rc) return rc;
      continue;
    }
    if (c->linelen + 1 >= sizeof c->line || ch == '\0') return CAIRN_EINVAL;
    c->line[c->linelen++] = ch;
  }
  return 0;
}

int awschunk_trailer(const struct awschunk *c, const char *name, char *out, size_t cap) {
  size_t nl = strlen(name);
  for (const char *p = c->trailers; *p;) {
    const char *eol = strchr(p, '\n');
    if (!eol) break;
    if (!strncmp(p, name, nl) && p[nl] == ':') {
      const char *v = p + nl + 1;
      while (*v == ' ') v++;
      snprintf(out, cap, "%.*s", (int)(eol - v), v);
      return 0;
    }
    p = eol + 1;
  }
  return CAIRN_ENOENT;
}
