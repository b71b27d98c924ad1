/* base64.h - standard base64 (RFC 4648, padded) over OpenSSL's EVP block coder, with the
 * padding handled exactly: the decoded length excludes it, malformed input is refused. */
#ifndef CAIRN_BASE64_H
#define CAIRN_BASE64_H
#include <stddef.h>

/* Heap, NUL-terminated; caller xfrees. */
char *base64_encode(const void *data, size_t n);
/* Decodes into a heap buffer (NUL-terminated, *outlen bytes before it); NULL when t is not
 * valid padded base64 or longer than max characters. */
unsigned char *base64_decode(const char *t, size_t max, size_t *outlen);

#endif
