/* watchdog.h - deadlines that hold under attack, per connection: a request head must be complete
 * within header_timeout of its first byte, and while a request transfers (body in, response out)
 * at least min_rate bytes per second must move over each window. Progress is read from the kernel
 * (TCP_INFO bytes received and acked), so sendfile responses count like streamed ones; time the
 * server itself makes a request wait (parked for a buffer, on a worker, a long poll) never counts.
 * A connection that misses a deadline is shut down; the event loop then closes it and its
 * request's cleanup returns what it held. */
#ifndef CAIRN_WATCHDOG_H
#define CAIRN_WATCHDOG_H
#include <stdint.h>

typedef struct watchdog watchdog_t;
typedef struct watch_conn watch_conn_t;

watchdog_t *watchdog_create(int64_t header_timeout_ms, uint64_t min_rate, int64_t window_ms);
void watchdog_destroy(watchdog_t *w);
watch_conn_t *watchdog_add(watchdog_t *w, int fd);       /* a connection opened */
void watchdog_remove(watchdog_t *w, watch_conn_t *c);    /* it closed (c is freed) */
void watchdog_head_done(watchdog_t *w, watch_conn_t *c);       /* the headers are in: transfer */
void watchdog_request_done(watchdog_t *w, watch_conn_t *c);    /* answered: idle until the next head */
void watchdog_server_wait(watchdog_t *w, watch_conn_t *c, int waiting);   /* the server is the slow one */
/* Checks every connection; run every few hundred milliseconds. Returns how many it shut down. */
int watchdog_tick(watchdog_t *w);
uint64_t watchdog_killed(watchdog_t *w);   /* connections shut down so far */

#endif
