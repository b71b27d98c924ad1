/* timeutil.h - clocks, and parsing/formatting of durations, sizes and HTTP / SigV4 timestamps. */
#ifndef CAIRN_TIMEUTIL_H
#define CAIRN_TIMEUTIL_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>

int64_t time_now_ms(void);        /* wall clock, ms since epoch */
int64_t time_mono_ms(void);       /* monotonic, ms */
double time_mono_sec(void);

/* "90", "90s", "15m", "24h", "7d", "250ms" -> milliseconds. 0 or CAIRN_EINVAL. */
int parse_duration_ms(const char *s, int64_t *out);
/* "1048576", "64KiB", "8MiB", "1G", "512k" -> bytes (binary multiples). 0 or CAIRN_EINVAL. */
int parse_size(const char *s, uint64_t *out);

/* SigV4 "20130524T000000Z" -> epoch seconds. 0 or CAIRN_EINVAL. */
int time_parse_amz(const char *s, time_t *out);
void time_format_amz(time_t t, char out[17]);
/* RFC 7231 IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT". */
void time_format_http(time_t t, char *out, size_t cap);
/* That form back (also with "+0000" or "UTC" for GMT, as SigV2 signers send it). 0 or CAIRN_EINVAL. */
int time_parse_http(const char *s, time_t *out);
void time_format_iso8601_ms(int64_t ms, char *out, size_t cap);

#endif
