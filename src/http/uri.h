/* uri.h - strict decoding of the request target. libmicrohttpd's own decoding stops at a %00 (so
 * "a%00.txt" became "a"); here a NUL, a malformed escape, invalid UTF-8 or a control character
 * is refused instead of guessed at. */
#ifndef CAIRN_URI_H
#define CAIRN_URI_H
#include <stddef.h>

/* Percent-decodes n bytes of src into dst (room for n + 1); 0, or CAIRN_EINVAL with *why set. */
int uri_decode_strict(const char *src, size_t n, char *dst, const char **why);
/* 1 when s (len bytes) is valid UTF-8 without C0 control characters or DEL. */
int uri_text_ok(const char *s, size_t len);
/* Checks every name and value of a raw query string the same way; 0 or CAIRN_EINVAL. */
int uri_query_ok(const char *raw_query, const char **why);

#endif
