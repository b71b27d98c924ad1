/* range.h - HTTP Range header parsing (RFC 9110 section 14.2), single byte range only. */
#ifndef CAIRN_RANGE_H
#define CAIRN_RANGE_H
#include <stdint.h>
#include <time.h>

/* RANGE_NONE: no Range, or one to ignore (malformed, multiple ranges): serve the whole body.
 * RANGE_OK: serve [*start, *start + *len). RANGE_UNSATISFIABLE: answer 416. */
enum range_result { RANGE_NONE, RANGE_OK, RANGE_UNSATISFIABLE };

enum range_result range_parse(const char *header, uint64_t size, uint64_t *start, uint64_t *len);

/* RFC 9110 section 13.1.5: 1 when a Range may be honoured: no If-Range, or If-Range names the
 * current strong ETag (quoted, as sent in ETag) or exactly the Last-Modified time. Otherwise the
 * whole current body must be sent (a resumed download of a changed file starts over). */
int range_if_range_holds(const char *if_range, const char *quoted_etag, time_t mtime);

#endif
