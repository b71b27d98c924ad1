/* aws_chunked.c - the aws-chunked state machine (AWS "Signature Calculations for the Authorization
 * Header: Transferring Payload in Multiple Chunks", trailing-header form). */
#include "aws_chunked.h"
#include "../crypto/hash.h"
#include "../crypto/sigv4.h"
#include "../util/err.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum { S_SIZE, S_DATA, S_DATA_END, S_TRAILER, S_DONE };

void awschunk_init(struct awschunk *c) { memset(c, 0, sizeof *c); }
int awschunk_done(const struct awschunk *c) { return c->state == S_DONE; }

void awschunk_sign(struct awschunk *c, struct awschunk_signer *sig) {
  c->sig = sig;
  if (!c->h) c->h = hash_new(HASH_SHA256);
}

void awschunk_free(struct awschunk *c) {
  if (c->h) hash_free(c->h);
  c->h = NULL;
}

/* Checks c->want against the chained signature over hash; it becomes the next seed. */
static int verify(struct awschunk *c, const char *algorithm, const uint8_t hash[32]) {
  char got[65];
  sigv4_chain_sign(c->sig->key, algorithm, c->sig->date, c->sig->scope, c->sig->prev, hash, got);
  if (!crypto_memeq(got, c->want, 64)) return CAIRN_ESIG;
  memcpy(c->sig->prev, got, 65);
  return 0;
}

static int chunk_end(struct awschunk *c) {
  if (!c->sig) return 0;
  uint8_t d[32];
  hash_final(c->h, d);
  hash_reset(c->h);
  return verify(c, SIGV4_CHUNK_ALGORITHM, d);
}

/* ";chunk-signature=<64 hex>", required when signed. */
static int chunk_ext(struct awschunk *c, const char *p, size_t n) {
  static const char k[] = ";chunk-signature=";
  if (!c->sig) return 0;
  if (n != sizeof k - 1 + 64 || memcmp(p, k, sizeof k - 1)) return CAIRN_ESIG;
  memcpy(c->want, p + sizeof k - 1, 64);
  c->want[64] = 0;
  return 0;
}

/* A size line: hex digits, then ";chunk-signature=..." (checked in the signed form). */
static int size_line(struct awschunk *c) {
  uint64_t v = 0;
  size_t i = 0;
  for (; i < c->linelen && isxdigit((unsigned char)c->line[i]); i++) {
    if (i >= 15) return CAIRN_EINVAL;
    int d = c->line[i] <= '9' ? c->line[i] - '0' : (c->line[i] | 32) - 'a' + 10;
    v = v << 4 | (uint64_t)d;
  }
  if (!i || (i < c->linelen && c->line[i] != ';')) return CAIRN_EINVAL;
  int rc = chunk_ext(c, c->line + i, c->linelen - i);
  if (rc) return rc;
  c->left = v;
  c->state = v ? S_DATA : S_TRAILER;
  return v ? 0 : chunk_end(c);   /* the final, empty chunk is signed too */
}

static int trailers_end(struct awschunk *c) {
  c->state = S_DONE;
  if (!c->sig || !c->tlen) return 0;
  if (strlen(c->want) != 64) return CAIRN_ESIG;   /* signed trailers need x-amz-trailer-signature */
  uint8_t d[32];
  sha256(c->trailers, c->tlen, d);
  return verify(c, SIGV4_TRAILER_ALGORITHM, d);
}

static int trailer_line(struct awschunk *c) {
  static const char ts[] = "x-amz-trailer-signature:";
  if (!c->linelen) return trailers_end(c);
  if (c->sig && c->linelen == sizeof ts - 1 + 64 && !strncasecmp(c->line, ts, sizeof ts - 1)) {
    memcpy(c->want, c->line + sizeof ts - 1, 64);
    c->want[64] = 0;
    return 0;
  }
  if (c->sig) c->want[0] = 0;   /* the signature line comes last */
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
      if (c->sig) hash_update(c->h, in, k);
      c->left -= k;
      c->decoded += k;
      in += k;
      n -= k;
      if (!c->left) {
        c->state = S_DATA_END;
        if ((rc = chunk_end(c))) return rc;
      }
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
