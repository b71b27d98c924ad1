/* log.c - JSON lines on stderr. Strings are escaped; one write(2) per line so lines from
 * concurrent threads never interleave. */
#include "log.h"
#include "err.h"
#include "timeutil.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static enum log_level min_level = LOG_INFO;
static const char *names[] = {"debug", "info", "warn", "error"};

void log_set_level(enum log_level lvl) { min_level = lvl; }

int log_level_parse(const char *s, enum log_level *out) {
  for (int i = 0; i < 4; i++)
    if (!strcmp(s, names[i])) { *out = (enum log_level)i; return 0; }
  return CAIRN_EINVAL;
}

/* Appends s JSON-escaped to buf at *n (never past cap-1). */
static void esc(char *buf, size_t cap, size_t *n, const char *s) {
  for (; s && *s && *n + 7 < cap; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') { buf[(*n)++] = '\\'; buf[(*n)++] = (char)c; }
    else if (c < 0x20) *n += (size_t)snprintf(buf + *n, cap - *n, "\\u%04x", c);
    else buf[(*n)++] = (char)c;
  }
}

static void put(char *buf, size_t cap, size_t *n, const char *fmt, ...) {
  if (*n >= cap) return;
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(buf + *n, cap - *n, fmt, ap);
  va_end(ap);
  if (k > 0) *n = *n + (size_t)k < cap ? *n + (size_t)k : cap - 1;
}

static void emit(char *buf, size_t n) {
  buf[n++] = '\n';
  ssize_t w = write(2, buf, n);
  (void)w;
}

void log_msg(enum log_level lvl, const char *fmt, ...) {
  if (lvl < min_level) return;
  char msg[2048], buf[4200], ts[40];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  time_format_iso8601_ms(time_now_ms(), ts, sizeof ts);
  size_t n = 0;
  put(buf, sizeof buf, &n, "{\"ts\":\"%s\",\"level\":\"%s\",\"msg\":\"", ts, names[lvl]);
  esc(buf, sizeof buf, &n, msg);
  put(buf, sizeof buf, &n, "\"}");
  emit(buf, n);
}

void log_request(const struct log_request *r) {
  if (LOG_INFO < min_level) return;
  char buf[4200], ts[40];
  size_t n = 0;
  time_format_iso8601_ms(time_now_ms(), ts, sizeof ts);
  put(buf, sizeof buf, &n, "{\"ts\":\"%s\",\"level\":\"info\",\"req\":\"", ts);
  esc(buf, sizeof buf, &n, r->id);
  put(buf, sizeof buf, &n, "\",\"method\":\"");
  esc(buf, sizeof buf, &n, r->method);
  put(buf, sizeof buf, &n, "\",\"path\":\"");
  esc(buf, sizeof buf, &n, r->path);
  put(buf, sizeof buf, &n, "\",\"status\":%d,\"bytes_in\":%llu,\"bytes_out\":%llu,"
      "\"ms_to_status\":%.3f,\"ms_total\":%.3f", r->status, (unsigned long long)r->bytes_in,
      (unsigned long long)r->bytes_out, r->ms_to_status, r->ms_total);
  if (r->user) { put(buf, sizeof buf, &n, ",\"user\":\""); esc(buf, sizeof buf, &n, r->user); put(buf, sizeof buf, &n, "\""); }
  if (r->error) { put(buf, sizeof buf, &n, ",\"error\":\""); esc(buf, sizeof buf, &n, r->error); put(buf, sizeof buf, &n, "\""); }
  put(buf, sizeof buf, &n, "}");
  emit(buf, n);
}
