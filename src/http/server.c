/* server.c - libmicrohttpd glue: request lifecycle (created in the URI callback, freed in the
 * completion callback), routing, authentication, body streaming to handlers, the access log, and
 * graceful shutdown. Handlers never see libmicrohttpd. */
#include "server.h"
#include "async.h"
#include "auth.h"
#include "server_internal.h"
#include "http_metrics.h"
#include "../util/sbuf.h"
#include "uri.h"
#include "watchdog.h"
#include "../crypto/hash.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/hex.h"
#include "../util/log.h"
#include "../util/timeutil.h"
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct server {
  struct MHD_Daemon *d;
  struct server_opts o;
  const struct route *routes;
  int nroutes;
  void *app;
  atomic_uint inflight;
  atomic_int stopping;
  atomic_uint_fast64_t seq;
  uint32_t boot;
  int port;
  pthread_mutex_t park_mu;      /* guards parked */
  req_t *parked;                /* requests suspended until a pool buffer frees */
  pthread_t ticker;
  atomic_int ticker_stop;
  workq_t *workq;
  watchdog_t *wd;
  http_metrics_t *metrics;
};

int server_stopping(const struct req *r) { return atomic_load(&((struct server *)r->srv)->stopping); }
workq_t *server_workq(const struct req *r) { return ((struct server *)r->srv)->workq; }

void server_waiting(struct req *r) {
  if (r->server_waiting) return;
  r->server_waiting = 1;
  watchdog_server_wait(((struct server *)r->srv)->wd, r->wconn, 1);
}

void server_waiting_over(struct req *r) {
  if (!r->server_waiting) return;
  r->server_waiting = 0;
  watchdog_server_wait(((struct server *)r->srv)->wd, r->wconn, 0);
}

/* MHD_OPTION_NOTIFY_CONNECTION: every connection is watched for its deadlines. */
static void conn_cb(void *cls, struct MHD_Connection *c, void **socket_context, enum MHD_ConnectionNotificationCode code) {
  struct server *s = cls;
  if (code == MHD_CONNECTION_NOTIFY_STARTED) {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    *socket_context = ci ? watchdog_add(s->wd, ci->connect_fd) : NULL;
  } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
    watchdog_remove(s->wd, *socket_context);
    *socket_context = NULL;
  }
}

static void *uri_cb(void *cls, const char *uri, struct MHD_Connection *c) {
  struct server *s = cls;
  req_t *r = xcalloc(1, sizeof *r);
  r->srv = s;
  r->app = s->app;
  r->conn = c;
  r->pool = mempool_create();
  r->t_start = time_mono_sec();
  r->route_index = -1;
  r->content_length = -1;
  r->auth_rc = CAIRN_ENOENT;
  const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  r->wconn = ci ? ci->socket_context : NULL;
  snprintf(r->id, sizeof r->id, "%08x%08llx", s->boot,
           (unsigned long long)(atomic_fetch_add(&s->seq, 1) & 0xffffffffULL));
  const char *q = strchr(uri, '?');
  r->raw_path = q ? mempool_strndup(r->pool, uri, (size_t)(q - uri)) : mempool_strdup(r->pool, uri);
  r->raw_query = q ? mempool_strdup(r->pool, q + 1) : "";
  atomic_fetch_add(&s->inflight, 1);
  return r;
}

static void completed_cb(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  (void)c;
  struct server *s = cls;
  req_t *r = *con_cls;
  if (!r) return;
  *con_cls = NULL;
  struct log_request l = {
    r->id, r->method ? r->method : "-", r->path ? r->path : r->raw_path,
    r->responded ? r->status : 0, r->bytes_in, r->bytes_out,
    r->responded ? (r->t_status - r->t_start) * 1e3 : 0, (time_mono_sec() - r->t_start) * 1e3,
    r->user_key, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? r->err_code : "client_disconnected_or_aborted",
  };
  log_request(&l);
  http_metrics_record(s->metrics, r->route_index, r->method, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK && r->responded ? r->status : 0,
                      time_mono_sec() - r->t_start, r->bytes_in, r->bytes_out);
  watchdog_request_done(s->wd, r->wconn);
  mempool_destroy(r->pool);   /* cleanup hooks abort unfinished uploads, release buffers */
  xfree(r);
  atomic_fetch_sub(&s->inflight, 1);
}

static const struct route *route_find(struct server *s, const char *method, const char *path,
                                      const char **tail, int *path_known) {
  *path_known = 0;
  for (int i = 0; i < s->nroutes; i++) {
    const struct route *rt = &s->routes[i];
    size_t n = strlen(rt->path);
    int prefix = rt->path[n - 1] == '/';
    if (prefix ? strncmp(path, rt->path, n) : strcmp(path, rt->path)) continue;
    if (!strcmp(rt->method, "*") && *path_known) return NULL;   /* catch-alls do not hide a 405 */
    *path_known = 1;
    if (strcmp(rt->method, "*") && strcmp(rt->method, method)) continue;
    *tail = prefix ? path + n : "";
    return rt;
  }
  return NULL;
}

/* Authenticates for the route; 0 to go on, else the request was answered. */
static int authorize(struct server *s, req_t *r, const struct route *rt) {
  if (rt->auth == AUTH_NONE) return 0;
  const char *why = NULL;
  /* A CORS preflight carries no credentials of its own (a presigned URL's query signs the request
   * that follows, not the OPTIONS): it is anonymous, and the bucket's CORS rules answer it. */
  int preflight = !strcmp(r->method, "OPTIONS") && http_header(r, "Access-Control-Request-Method");
  r->auth_rc = preflight ? CAIRN_ENOENT : http_auth_sigv4(r, &s->o, &why);
  int rc = r->auth_rc;
  if (rc == CAIRN_ENOENT) {
    if (rt->auth == AUTH_USER_OR_LOCATOR) return 0;   /* the handler checks the locator */
    rc = CAIRN_EAUTH;
    why = "this request needs SigV4 credentials";
  } else if (!rc && rt->auth == AUTH_ADMIN && strcmp(r->role, "admin")) {
    rc = CAIRN_EAUTH;
    why = "this request needs an admin key";
  }
  if (!rc) return 0;
  http_respond_error(r, rc, why);
  return -1;
}

/* Suspends r until server_wake; called from r's own handler call. */
static void park(struct server *s, req_t *r) {
  server_waiting(r);
  MHD_suspend_connection(r->conn);   /* before listing it: a wake must find it suspended */
  pthread_mutex_lock(&s->park_mu);
  r->parked = 1;
  r->next_parked = s->parked;
  s->parked = r;
  pthread_mutex_unlock(&s->park_mu);
}

static unsigned count_parked(struct server *s) {
  unsigned n = 0;
  pthread_mutex_lock(&s->park_mu);
  for (req_t *r = s->parked; r; r = r->next_parked) n++;
  pthread_mutex_unlock(&s->park_mu);
  return n;
}

void server_wake(void *srv) {
  struct server *s = srv;
  pthread_mutex_lock(&s->park_mu);
  req_t *list = s->parked;
  s->parked = NULL;
  pthread_mutex_unlock(&s->park_mu);
  while (list) {
    req_t *next = list->next_parked;
    MHD_resume_connection(list->conn);   /* the handler is called again and retries begin */
    list = next;
  }
}

/* Wakes parked requests regularly so the ones past buffer_wait get their 503. */
static void *ticker_main(void *arg) {
  struct server *s = arg;
  for (unsigned n = 0; !atomic_load(&s->ticker_stop); n++) {
    usleep(50000);
    if (s->parked) server_wake(s);   /* unlocked peek: a miss is caught on the next tick */
    if (n % 5 == 0) watchdog_tick(s->wd);
  }
  return NULL;
}

/* Handles a begin/end result. Returns 1 while the request waits: parked for a pool buffer
 * (CAIRN_EBUSY, until buffer_wait has passed) or deferred to a worker (CAIRN_EDEFER). */
static int settle(struct server *s, req_t *r, int rc, int phase) {
  if (rc == CAIRN_EDEFER) return 1;
  if (rc == CAIRN_EAGAIN && !r->responded && !atomic_load(&s->stopping)) {   /* long poll */
    r->parked_phase = phase;
    park(s, r);
    return 1;
  }
  if (rc == CAIRN_EBUSY && !r->responded) {
    double now = time_mono_sec();
    if (!r->park_deadline) r->park_deadline = now + (double)s->o.buffer_wait_ms / 1e3;
    if (now < r->park_deadline && !atomic_load(&s->stopping)) {
      r->parked_phase = phase;
      park(s, r);
      return 1;
    }
    http_respond_error(r, rc, "no transfer buffer became free in time; retry later");
    return 0;
  }
  if (rc && !r->responded) http_respond_error(r, rc, NULL);
  return 0;
}

static int run_begin(struct server *s, req_t *r) {
  return settle(s, r, r->h->begin ? r->h->begin(r) : 0, 1);
}

/* Routes, authenticates and runs the handler's begin. */
static void start(struct server *s, req_t *r) {
  r->started = 1;
  int known;
  const struct route *rt = route_find(s, r->method, r->path, &r->tail, &known);
  if (!rt) {
    http_respond_error(r, known ? CAIRN_EMETHOD : CAIRN_ENOENT, known ? NULL : "no such endpoint");
    return;
  }
  r->h = rt->h;
  r->route_index = (int)(rt - s->routes);
  r->write_error = rt->write_error;
  if (authorize(s, r, rt)) return;
  run_begin(s, r);
}

struct hdr_count { int content_length, transfer_encoding; };
static enum MHD_Result count_cb(void *cls, enum MHD_ValueKind kind, const char *k, const char *v) {
  (void)kind; (void)v;
  struct hdr_count *n = cls;
  if (!strcasecmp(k, MHD_HTTP_HEADER_CONTENT_LENGTH)) n->content_length++;
  if (!strcasecmp(k, MHD_HTTP_HEADER_TRANSFER_ENCODING)) n->transfer_encoding++;
  return MHD_YES;
}

/* Decodes the path strictly and refuses request heads that could mean two things (two
 * Content-Length headers, or one beside Transfer-Encoding: request smuggling behind a proxy).
 * Returns 1 when the request was answered with 400. */
static int refuse_malformed(struct server *s, req_t *r) {
  const char *why = NULL;
  size_t n = strlen(r->raw_path);
  char *path = mempool_alloc(r->pool, n + 1);
  int rc = uri_decode_strict(r->raw_path, n, path, &why);
  if (!rc) rc = uri_query_ok(r->raw_query, &why);
  struct hdr_count hc = {0, 0};
  MHD_get_connection_values(r->conn, MHD_HEADER_KIND, count_cb, &hc);
  if (!rc && (hc.content_length > 1 || (hc.content_length && hc.transfer_encoding) || hc.transfer_encoding > 1)) {
    rc = CAIRN_EINVAL;
    why = "conflicting Content-Length / Transfer-Encoding headers";
  }
  r->path = rc ? r->raw_path : path;
  if (!rc) return 0;
  r->started = 1;
  int known;
  const struct route *rt = route_find(s, r->method, r->raw_path, &r->tail, &known);
  r->write_error = rt ? rt->write_error : NULL;
  http_respond_error(r, rc, why);
  return 1;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *data_size, void **con_cls) {
  (void)version;
  struct server *s = cls;
  req_t *r = *con_cls;
  if (!r) return MHD_NO;
  if (!r->method) {   /* first call: headers only */
    (void)url;   /* decoded by libmicrohttpd, which stops at %00: decoded strictly instead */
    watchdog_head_done(s->wd, r->wconn);
    r->method = mempool_strdup(r->pool, method);
    if (refuse_malformed(s, r)) return MHD_YES;
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl) r->content_length = strtoll(cl, NULL, 10);
    /* A request with a body starts now, so auth and limits are checked before 100-continue (an
     * answer now closes the connection, right for an unread body). Without a body, start on the
     * final call: libmicrohttpd keeps the connection alive only for responses queued then. */
    r->has_body = r->content_length > 0 ||
                  MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    if (r->has_body) start(s, r);
    return MHD_YES;
  }
  server_waiting_over(r);   /* resumed from a park or a worker: the client's clock runs again */
  if (r->parked && r->parked_phase == 1) {   /* resumed: try begin again */
    r->parked = 0;
    if (run_begin(s, r) || r->responded) return MHD_YES;
    if (r->has_body && !*data_size) return MHD_YES;   /* parked before the body: it comes next */
  }
  r->parked = 0;   /* resumed after parking or deferring in `end`: end runs again below */
  if (*data_size) {
    size_t n = *data_size;
    *data_size = 0;
    r->bytes_in += n;
    if (r->responded) return MHD_YES;
    if (r->body_err) {
      r->discarded += n;   /* answer after the body, but do not read forever */
      return r->discarded > (64u << 20) ? MHD_NO : MHD_YES;
    }
    if (r->h->body) r->body_err = r->h->body(r, data, n);
    return MHD_YES;
  }
  if (!r->started) start(s, r);
  if (r->parked || r->responded) return MHD_YES;
  int rc = r->body_err;
  if (!rc && r->h->end) rc = r->h->end(r);
  if (settle(s, r, rc, 2)) return MHD_YES;
  if (!r->responded) http_respond_error(r, CAIRN_EIO, "handler did not respond");
  return MHD_YES;
}

static void mhd_logger(void *cls, const char *fmt, va_list ap) {
  (void)cls;
  char buf[512];
  vsnprintf(buf, sizeof buf, fmt, ap);
  buf[strcspn(buf, "\n")] = 0;
  LOGW("http: %s", buf);
}

static int parse_listen(const char *listen, struct sockaddr_storage *ss, char *err, size_t errlen) {
  const char *colon = strrchr(listen, ':');
  if (!colon) { snprintf(err, errlen, "listen must be host:port, not '%s'", listen); return CAIRN_EINVAL; }
  char host[256];
  snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
  char *h = host;
  if (*h == '[') { h++; h[strcspn(h, "]")] = 0; }
  struct addrinfo hints = {0}, *res;
  hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(*h ? h : NULL, colon + 1, &hints, &res)) {
    snprintf(err, errlen, "cannot resolve listen address '%s'", listen);
    return CAIRN_EINVAL;
  }
  memcpy(ss, res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  return 0;
}

int server_start(const struct server_opts *o, const struct route *routes, int nroutes, void *app,
                 server_t **out, char *err, size_t errlen) {
  struct sockaddr_storage ss = {0};
  int rc = parse_listen(o->listen, &ss, err, errlen);
  if (rc) return rc;
  struct server *s = xcalloc(1, sizeof *s);
  s->o = *o;
  s->routes = routes;
  s->nroutes = nroutes;
  s->app = app;
  crypto_random(&s->boot, sizeof s->boot);
  /* Event-driven: a pool of poll() threads (sized to the cores, not to the clients); a request
   * that has to wait for a pool buffer is suspended, never blocking its thread. */
  unsigned flags = MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME |
                   MHD_USE_ERROR_LOG | (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
  int tls = o->tls_cert_pem && o->tls_key_pem;
  if (tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
    snprintf(err, errlen, "this libmicrohttpd was built without TLS");
    xfree(s);
    return CAIRN_EINVAL;
  }
  if (tls) flags |= MHD_USE_TLS;
  pthread_mutex_init(&s->park_mu, NULL);
  s->wd = watchdog_create(o->header_timeout_ms, o->min_rate, o->min_rate_window_ms);
  s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
                          MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, NULL,
                          MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                          MHD_OPTION_CONNECTION_LIMIT, o->max_connections,
                          MHD_OPTION_CONNECTION_TIMEOUT, o->idle_timeout_s,
                          MHD_OPTION_CONNECTION_MEMORY_LIMIT, o->max_header_size,
                          MHD_OPTION_URI_LOG_CALLBACK, uri_cb, s,
                          MHD_OPTION_NOTIFY_COMPLETED, completed_cb, s,
                          MHD_OPTION_NOTIFY_CONNECTION, conn_cb, s,
                          MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->max_connections_per_ip,
                          MHD_OPTION_THREAD_STACK_SIZE, (size_t)(512 * 1024),
                          MHD_OPTION_THREAD_POOL_SIZE, o->threads ? o->threads : 2u,
                          MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
                          tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, o->tls_cert_pem,
                          MHD_OPTION_HTTPS_MEM_KEY, o->tls_key_pem,
                          MHD_OPTION_END);
  if (!s->d) {
    snprintf(err, errlen, tls ? "cannot listen on %s (address in use, or the TLS certificate or key is not valid PEM)"
                              : "cannot listen on %s (address in use or not permitted)", o->listen);
    watchdog_destroy(s->wd);
    xfree(s);
    return CAIRN_EIO;
  }
  s->workq = workq_start(o->io_threads);
  s->metrics = http_metrics_create(routes, nroutes);
  pthread_create(&s->ticker, NULL, ticker_main, s);
  const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
  s->port = di ? di->port : 0;
  *out = s;
  return 0;
}

int server_port(const server_t *s) { return s->port; }

void http_metrics_text(req_t *r, char **out, size_t *len) {
  struct server *s = r->srv;
  sbuf_t b = {0};
  http_metrics_render(s->metrics, &b);
  sbuf_printf(&b, "# HELP cairn_http_requests_in_flight Requests being served now.\n"
                  "# TYPE cairn_http_requests_in_flight gauge\ncairn_http_requests_in_flight %u\n"
                  "# HELP cairn_http_requests_parked Requests waiting for a pool buffer or a long poll.\n"
                  "# TYPE cairn_http_requests_parked gauge\ncairn_http_requests_parked %u\n",
              atomic_load(&s->inflight), count_parked(s));
  *len = b.len;
  *out = sbuf_steal(&b);
}
unsigned server_inflight(const server_t *s) { return atomic_load(&((server_t *)s)->inflight); }

void server_shutdown(server_t *s, int64_t timeout_ms) {
  atomic_store(&s->stopping, 1);
  server_wake(s);   /* parked requests now get 503 */
  MHD_socket fd = MHD_quiesce_daemon(s->d);
  if (fd != MHD_INVALID_SOCKET) close(fd);
  int64_t deadline = time_mono_ms() + timeout_ms;
  unsigned left;
  while ((left = atomic_load(&s->inflight)) && time_mono_ms() < deadline) usleep(20000);
  if (left) LOGW("shutdown deadline reached with %u requests in flight; aborting them", left);
  workq_stop(s->workq);   /* queued jobs finish and resume their requests */
  atomic_store(&s->ticker_stop, 1);
  pthread_join(s->ticker, NULL);
  server_wake(s);
  MHD_stop_daemon(s->d);
  watchdog_destroy(s->wd);
  http_metrics_destroy(s->metrics);
  pthread_mutex_destroy(&s->park_mu);
  xfree(s);
}
