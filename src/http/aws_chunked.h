/* aws_chunked.h - decoder for `Content-Encoding: aws-chunked` request bodies:
 * "<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n" ... "0...\r\n", then "name:value\r\n"
 * trailer lines and an empty line. Unsigned (STREAMING-UNSIGNED-PAYLOAD-TRAILER) or, with a
 * signer, every chunk signature (and x-amz-trailer-signature) is verified as the bytes pass
 * (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]). Incremental: feed any pieces. */
#ifndef CAIRN_AWS_CHUNKED_H
#define CAIRN_AWS_CHUNKED_H
#include <stddef.h>
#include <stdint.h>

struct hash_ctx;

/* What chained signatures are checked against; prev starts as the request's seed signature. */
struct awschunk_signer {
  uint8_t key[32];
  char date[17];
  char scope[128];
  char prev[65];
};

struct awschunk {
  int state;
  struct awschunk_signer *sig;   /* NULL: unsigned */
  struct hash_ctx *h;            /* the current chunk's SHA-256 (signed form) */
  char want[65];                 /* signature the current chunk / the trailers claim */
  char line[512];
  size_t linelen;
  uint64_t left, decoded;
  char trailers[1024];   /* "name:value\n" lines */
  size_t tlen;
};

typedef int (*awschunk_out_fn)(void *ctx, const char *data, size_t n);

void awschunk_init(struct awschunk *c);
/* Verify chained signatures from now on (before the first feed); sig must outlive c. */
void awschunk_sign(struct awschunk *c, struct awschunk_signer *sig);
void awschunk_free(struct awschunk *c);
/* 0, CAIRN_EINVAL for a malformed encoding, CAIRN_ESIG for a wrong chunk signature, or out's
 * error. */
int awschunk_feed(struct awschunk *c, const char *in, size_t n, awschunk_out_fn out, void *ctx);
int awschunk_done(const struct awschunk *c);   /* the last chunk and the trailers were read */
/* Copies a trailer's value (lowercase name) into out; 0 or CAIRN_ENOENT. */
int awschunk_trailer(const struct awschunk *c, const char *name, char *out, size_t cap);

#endif
