/* watchdog.c - header deadlines and minimum transfer rates per connection (watchdog.h). */
#include "watchdog.h"
#include "../util/alloc.h"
#include "../util/log.h"
#include "../util/timeutil.h"
#include <linux/tcp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>

enum phase { IDLE, HEAD, XFER };

struct watch_conn {
  struct watch_conn *prev, *next;
  int fd;
  enum phase phase;
  int waiting;                 /* the server holds the request (parked, worker, long poll) */
  int64_t since_ms;            /* HEAD: first byte seen; XFER: window start */
  uint64_t rx_idle;            /* bytes received when it went idle */
  uint64_t base;               /* XFER: bytes moved at the window start */
  int killed;
};

struct watchdog {
  pthread_mutex_t mu;
  struct watch_conn *head;
  int64_t header_ms, window_ms;
  uint64_t min_rate, killed;
};

watchdog_t *watchdog_create(int64_t header_timeout_ms, uint64_t min_rate, int64_t window_ms) {
  watchdog_t *w = xcalloc(1, sizeof *w);
  pthread_mutex_init(&w->mu, NULL);
  w->header_ms = header_timeout_ms;
  w->min_rate = min_rate;
  w->window_ms = window_ms > 0 ? window_ms : 1000;
  return w;
}

void watchdog_destroy(watchdog_t *w) {
  if (!w) return;
  while (w->head) watchdog_remove(w, w->head);
  pthread_mutex_destroy(&w->mu);
  xfree(w);
}

/* Bytes received and acked by the peer on fd so far. */
static int progress(int fd, uint64_t *rx, uint64_t *moved) {
  struct tcp_info ti;
  socklen_t len = sizeof ti;
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) || len < sizeof ti) return -1;
  *rx = ti.tcpi_bytes_received;
  *moved = ti.tcpi_bytes_received + ti.tcpi_bytes_acked;
  return 0;
}

watch_conn_t *watchdog_add(watchdog_t *w, int fd) {
  watch_conn_t *c = xcalloc(1, sizeof *c);
  c->fd = fd;
  c->phase = IDLE;
  pthread_mutex_lock(&w->mu);
  c->next = w->head;
  if (w->head) w->head->prev = c;
  w->head = c;
  pthread_mutex_unlock(&w->mu);
  return c;
}

void watchdog_remove(watchdog_t *w, watch_conn_t *c) {
  if (!c) return;
  pthread_mutex_lock(&w->mu);
  if (c->prev) c->prev->next = c->next; else w->head = c->next;
  if (c->next) c->next->prev = c->prev;
  pthread_mutex_unlock(&w->mu);
  xfree(c);
}

void watchdog_head_done(watchdog_t *w, watch_conn_t *c) {
  if (!c) return;
  uint64_t rx = 0, moved = 0;
  progress(c->fd, &rx, &moved);
  pthread_mutex_lock(&w->mu);
  c->phase = XFER;
  c->since_ms = time_mono_ms();
  c->base = moved;
  pthread_mutex_unlock(&w->mu);
}

void watchdog_request_done(watchdog_t *w, watch_conn_t *c) {
  if (!c) return;
  uint64_t rx = 0, moved = 0;
  progress(c->fd, &rx, &moved);
  pthread_mutex_lock(&w->mu);
  c->phase = IDLE;
  c->waiting = 0;
  c->rx_idle = rx;
  pthread_mutex_unlock(&w->mu);
}

void watchdog_server_wait(watchdog_t *w, watch_conn_t *c, int waiting) {
  if (!c) return;
  uint64_t rx = 0, moved = 0;
  if (!waiting) progress(c->fd, &rx, &moved);
  pthread_mutex_lock(&w->mu);
  c->waiting = waiting;
  if (!waiting) { c->since_ms = time_mono_ms(); c->base = moved; }   /* a fresh window */
  pthread_mutex_unlock(&w->mu);
}

static void kill_conn(watchdog_t *w, watch_conn_t *c, const char *why) {
  c->killed = 1;
  w->killed++;
  LOGW("closing a connection: %s", why);
  /* abortive: what is still queued for a slow reader is dropped (RST on close), not drained */
  struct linger lg = {1, 0};
  setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  shutdown(c->fd, SHUT_RDWR);   /* the event loop sees the error and closes it */
}

int watchdog_tick(watchdog_t *w) {
  int n = 0;
  int64_t now = time_mono_ms();
  pthread_mutex_lock(&w->mu);
  for (watch_conn_t *c = w->head; c; c = c->next) {
    uint64_t rx, moved;
    if (c->killed || progress(c->fd, &rx, &moved)) continue;
    switch (c->phase) {
    case IDLE:
      if (rx > c->rx_idle) { c->phase = HEAD; c->since_ms = now; }   /* the next head has begun */
      break;
    case HEAD:
      if (w->header_ms > 0 && now - c->since_ms > w->header_ms) { kill_conn(w, c, "request head not complete in time"); n++; }
      break;
    case XFER:
      if (c->waiting || !w->min_rate) break;
      if (now - c->since_ms < w->window_ms) break;
      if (moved - c->base < w->min_rate * (uint64_t)w->window_ms / 1000) { kill_conn(w, c, "transfer slower than min_rate"); n++; break; }
      c->since_ms = now;
      c->base = moved;
      break;
    }
  }
  pthread_mutex_unlock(&w->mu);
  return n;
}

uint64_t watchdog_killed(watchdog_t *w) {
  pthread_mutex_lock(&w->mu);
  uint64_t k = w->killed;
  pthread_mutex_unlock(&w->mu);
  return k;
}
