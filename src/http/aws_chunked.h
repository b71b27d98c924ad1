/* aws_chunked.h - decoder for `Content-Encoding: aws-chunked` request bodies, the unsigned form
 * with trailers (STREAMING-UNSIGNED-PAYLOAD-TRAILER): "<hex size>\r\n<data>\r\n" ... "0\r\n",
 * then "name:value\r\n" trailer lines and an empty line. Pure and incremental: feed any pieces. */
#ifndef CAIRN_AWS_CHUNKED_H
#define CAIRN_AWS_CHUNKED_H
#include <stddef.h>
#include <stdint.h>

struct awschunk {
  int state;
  char line[512];
  size_t linelen;
  uint64_t left, decoded;
  char trailers[1024];   /* "name:value\n" lines */
  size_t tlen;
};

typedef int (*awschunk_out_fn)(void *ctx, const char *data, size_t n);

void awschunk_init(struct awschunk *c);
/* 0, CAIRN_EINVAL for a malformed encoding, or out's error. */
int awschunk_feed(struct awschunk *c, const char *in, size_t n, awschunk_out_fn out, void *ctx);
int awschunk_done(const struct awschunk *c);   /* the last chunk and the trailers were read */
/* Copies a trailer's value (lowercase name) into out; 0 or CAIRN_ENOENT. */
int awschunk_trailer(const struct awschunk *c, const char *name, char *out, size_t cap);

#endif
