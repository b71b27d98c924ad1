/* hex.h - lowercase hex encoding and validation. */
#ifndef CAIRN_HEX_H
#define CAIRN_HEX_H
#include <stddef.h>
#include <stdint.h>

void hex_encode(const uint8_t *in, size_t n, char *out);          /* out holds 2n+1 bytes */
int hex_decode(const char *in, size_t n, uint8_t *out);           /* n even; 0 or CAIRN_EINVAL */
int hex_is_lower(const char *s, size_t n);                        /* 1 if n lowercase hex digits */
int hex_parse_u64(const char *s, size_t n, uint64_t *out);        /* 1..16 hex digits */

#endif
