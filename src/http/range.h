/* range.h - HTTP Range header parsing (RFC 9110 section 14.2), single byte range only. */
#ifndef CAIRN_RANGE_H
#define CAIRN_RANGE_H
#include <stdint.h>

/* RANGE_NONE: no Range, or one to ignore (malformed, multiple ranges): serve the whole body.
 * RANGE_OK: serve [*start, *start + *len). RANGE_UNSATISFIABLE: answer 416. */
enum range_result { RANGE_NONE, RANGE_OK, RANGE_UNSATISFIABLE };

enum range_result range_parse(const char *header, uint64_t size, uint64_t *start, uint64_t *len);

#endif
