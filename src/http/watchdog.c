/* watchdog.c - header deadlines and minimum transfer rates per connection (watchdog.h). */
#include "watchdog.h"
#include "../util/alloc.h"
#include "../util/log.h"
#include "../util/timeutil.h"
#include <linux/tcp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>

enum phase { IDLE, XFER };

/* The event threads only store atomics (no lock, no system call on the request path); the ticker
 * keeps the rest to itself. */
struct watch_conn {
  struct watch_conn *prev, *next;   /* guarded by watchdog.mu */
  int fd;
  atomic_int phase, waiting;
  atomic_uint reqs;                 /* requests begun: a new one restarts the rate window */
  /* ticker only */
  int seen_phase, seen_waiting, head_started, killed;
  unsigned seen_reqs;
  int64_t since_ms;                 /* the head's first byte seen, or the rate window's start */
  uint64_t rx_idle, base;           /* bytes received when idle began; bytes moved at the window start */
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

/* Bytes received, and received plus acked by the peer, on fd so far. */
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
  atomic_init(&c->phase, IDLE);
  atomic_init(&c->waiting, 0);
  atomic_init(&c->reqs, 0);
  c->seen_phase = -1;
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
  (void)w;
  if (!c) return;
  atomic_fetch_add(&c->reqs, 1);
  atomic_store(&c->phase, XFER);
}

void watchdog_request_done(watchdog_t *w, watch_conn_t *c) {
  (void)w;
  if (!c) return;
  atomic_store(&c->waiting, 0);
  atomic_store(&c->phase, IDLE);
}

void watchdog_server_wait(watchdog_t *w, watch_conn_t *c, int waiting) {
  (void)w;
  if (c) atomic_store(&c->waiting, waiting);
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

/* One connection, called with mu held (by the ticker only). 1 when it was shut down. */
static int check(watchdog_t *w, watch_conn_t *c, int64_t now) {
  uint64_t rx, moved;
  if (c->killed || progress(c->fd, &rx, &moved)) return 0;
  int phase = atomic_load(&c->phase), waiting = atomic_load(&c->waiting);
  unsigned reqs = atomic_load(&c->reqs);
  if (phase == IDLE) {
    if (c->seen_phase != IDLE) { c->seen_phase = IDLE; c->rx_idle = rx; c->head_started = 0; return 0; }
    if (!c->head_started && rx > c->rx_idle) { c->head_started = 1; c->since_ms = now; }   /* a head began */
    if (c->head_started && w->header_ms > 0 && now - c->since_ms > w->header_ms) {
      kill_conn(w, c, "request head not complete in time");
      return 1;
    }
    return 0;
  }
  if (c->seen_phase != XFER || reqs != c->seen_reqs || waiting || c->seen_waiting) {   /* a fresh window */
    c->seen_phase = XFER;
    c->seen_reqs = reqs;
    c->seen_waiting = waiting;
    c->since_ms = now;
    c->base = moved;
    return 0;
  }
  if (!w->min_rate || now - c->since_ms < w->window_ms) return 0;
  if (moved - c->base < w->min_rate * (uint64_t)w->window_ms / 1000) {
    kill_conn(w, c, "transfer slower than min_rate");
    return 1;
  }
  c->since_ms = now;
  c->base = moved;
  return 0;
}

int watchdog_tick(watchdog_t *w) {
  int n = 0;
  int64_t now = time_mono_ms();
  pthread_mutex_lock(&w->mu);
  for (watch_conn_t *c = w->head; c; c = c->next) n += check(w, c, now);
  pthread_mutex_unlock(&w->mu);
  return n;
}

uint64_t watchdog_killed(watchdog_t *w) {
  pthread_mutex_lock(&w->mu);
  uint64_t k = w->killed;
  pthread_mutex_unlock(&w->mu);
  return k;
}
