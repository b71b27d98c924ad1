/* log.h - JSON log lines on stderr: free-form messages and the one-line-per-request access log. */
#ifndef CAIRN_LOG_H
#define CAIRN_LOG_H
#include <stdint.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level lvl);
int log_level_parse(const char *s, enum log_level *out);   /* 0 or CAIRN_EINVAL */
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct log_request {
  const char *id, *method, *path;
  int status;
  uint64_t bytes_in, bytes_out;
  double ms_to_status, ms_total;
  const char *user;        /* access key or NULL */
  const char *error;       /* error code or NULL */
};
void log_request(const struct log_request *r);

#define LOGI(...) log_msg(LOG_INFO, __VA_ARGS__)
#define LOGW(...) log_msg(LOG_WARN, __VA_ARGS__)
#define LOGE(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define LOGD(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
