/* timeutil.c - clocks and strict parsers for configuration values and protocol timestamps. */
#include "timeutil.h"
#include "err.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int64_t time_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t time_mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double time_mono_sec(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Parses leading decimal digits; returns pointer past them or NULL when none or overflow. */
static const char *digits(const char *s, uint64_t *v) {
  const char *p = s;
  *v = 0;
  while (isdigit((unsigned char)*p)) {
    if (*v > (UINT64_MAX - 9) / 10) return NULL;
    *v = *v * 10 + (uint64_t)(*p++ - '0');
  }
  return p == s ? NULL : p;
}

int parse_duration_ms(const char *s, int64_t *out) {
  uint64_t v;
  const char *u = digits(s, &v);
  if (!u) return CAIRN_EINVAL;
  uint64_t mul;
  if (!*u || !strcmp(u, "s")) mul = 1000;
  else if (!strcmp(u, "ms")) mul = 1;
  else if (!strcmp(u, "m")) mul = 60000;
  else if (!strcmp(u, "h")) mul = 3600000;
  else if (!strcmp(u, "d")) mul = 86400000;
  else return CAIRN_EINVAL;
  if (v > (uint64_t)INT64_MAX / mul) return CAIRN_EINVAL;
  *out = (int64_t)(v * mul);
  return 0;
}

int parse_size(const char *s, uint64_t *out) {
  uint64_t v;
  const char *u = digits(s, &v);
  if (!u) return CAIRN_EINVAL;
  static const struct { const char *suffix; unsigned shift; } units[] = {
    {"", 0}, {"B", 0}, {"k", 10}, {"K", 10}, {"KiB", 10}, {"KB", 10}, {"M", 20}, {"MiB", 20},
    {"MB", 20}, {"G", 30}, {"GiB", 30}, {"GB", 30}, {"T", 40}, {"TiB", 40}, {"TB", 40}};
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
    if (strcmp(u, units[i].suffix)) continue;
    if (units[i].shift && v > (UINT64_MAX >> units[i].shift)) return CAIRN_EINVAL;
    *out = v << units[i].shift;
    return 0;
  }
  return CAIRN_EINVAL;
}

int time_parse_http(const char *s, time_t *out) {
  struct tm tm = {0};
  const char *end = s ? strptime(s, "%a, %d %b %Y %H:%M:%S ", &tm) : NULL;
  if (!end || (strcmp(end, "GMT") && strcmp(end, "UTC") && strcmp(end, "+0000") && strcmp(end, "Z"))) return CAIRN_EINVAL;
  *out = timegm(&tm);
  return 0;
}

int time_parse_amz(const char *s, time_t *out) {
  if (strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z') return CAIRN_EINVAL;
  for (int i = 0; i < 15; i++)
    if (i != 8 && !isdigit((unsigned char)s[i])) return CAIRN_EINVAL;
  struct tm tm = {0};
  tm.tm_year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0') - 1900;
  tm.tm_mon = (s[4] - '0') * 10 + (s[5] - '0') - 1;
  tm.tm_mday = (s[6] - '0') * 10 + (s[7] - '0');
  tm.tm_hour = (s[9] - '0') * 10 + (s[10] - '0');
  tm.tm_min = (s[11] - '0') * 10 + (s[12] - '0');
  tm.tm_sec = (s[13] - '0') * 10 + (s[14] - '0');
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60)
    return CAIRN_EINVAL;
  *out = timegm(&tm);
  return 0;
}

void time_format_amz(time_t t, char out[17]) {
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

void time_format_http(time_t t, char *out, size_t cap) {
  static const char *wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char *mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  struct tm tm;
  gmtime_r(&t, &tm);
  snprintf(out, cap, "%s, %02d %s %04d %02d:%02d:%02d GMT", wd[tm.tm_wday], tm.tm_mday,
           mo[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void time_format_iso8601_ms(int64_t ms, char *out, size_t cap) {
  time_t t = (time_t)(ms / 1000);
  struct tm tm;
  gmtime_r(&t, &tm);
  snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
           tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}
