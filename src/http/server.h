/* server.h - the HTTP server: libmicrohttpd with a small pool of event threads (a slow client
 * holds no thread; a request waiting for a pool buffer is suspended, not blocking), a route
 * table, SigV4 authentication before any handler runs, one JSON access-log line per request, and
 * graceful shutdown. */
#ifndef CAIRN_SERVER_H
#define CAIRN_SERVER_H
#include "request.h"
#include <stdint.h>

struct route {
  const char *method;      /* "GET", ...; "*" for any */
  const char *path;        /* exact path, or prefix when it ends with '/' (tail = the rest) */
  enum route_auth auth;
  const struct handler *h;
  int (*write_error)(req_t *r, int err, const char *message);   /* errors in another dialect (S3 XML); NULL: JSON */
};

/* Looks up the secret (heap, caller xfrees), role and user name of an access key; CAIRN_ENOENT
 * if unknown. */
typedef int (*auth_lookup_fn)(void *app, const char *access_key, char **secret, char role[16], char name[65]);

struct server_opts {
  const char *listen;          /* "host:port"; port 0 picks a free one */
  unsigned max_connections;
  unsigned idle_timeout_s;
  size_t max_header_size;
  const char *region;
  int64_t clock_skew_s;
  auth_lookup_fn lookup;
  unsigned threads;            /* event threads (0: 2) */
  unsigned io_threads;         /* workers for blocking disk work (async.h) */
  int64_t buffer_wait_ms;      /* how long a request may stay parked waiting for a pool buffer */
  int trust_proxy;             /* the signed host is X-Forwarded-Host when present */
  const char *virtual_host_domain;   /* SigV2 signs "/bucket" for Host: bucket.<domain> */
  unsigned max_connections_per_ip;
  const char *tls_cert_pem, *tls_key_pem;   /* PEM text (not paths); both set: HTTPS (GnuTLS) */
  int64_t header_timeout_ms;   /* watchdog.h */
  uint64_t min_rate;
  int64_t min_rate_window_ms;
};

typedef struct server server_t;

/* Starts serving; routes must outlive the server. 0 or CAIRN_E*; err gets a message. */
int server_start(const struct server_opts *o, const struct route *routes, int nroutes, void *app,
                 server_t **out, char *err, size_t errlen);
int server_port(const server_t *s);
/* Stops accepting, lets in-flight requests finish for up to timeout_ms, then closes the rest
 * (their uploads are aborted) and frees the server. */
void server_shutdown(server_t *s, int64_t timeout_ms);
unsigned server_inflight(const server_t *s);
/* Resumes every request parked for a pool buffer (a bufpool release hook; any thread). */
void server_wake(void *srv);

#endif
