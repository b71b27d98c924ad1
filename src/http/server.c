/* server.c - libmicrohttpd glue: request lifecycle (created in the URI callback, freed in the
 * completion callback), routing, authentication, body streaming to handlers, the access log, and
 * graceful shutdown. Handlers never see libmicrohttpd. */
#include "server.h"
#include "auth.h"
#include "server_internal.h"
#include "../crypto/hash.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/hex.h"
#include "../util/log.h"
#include "../util/timeutil.h"
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
};

int server_stopping(const struct req *r) { return atomic_load(&((struct server *)r->srv)->stopping); }

static void *uri_cb(void *cls, const char *uri, struct MHD_Connection *c) {
  struct server *s = cls;
  req_t *r = xcalloc(1, sizeof *r);
  r->srv = s;
  r->app = s->app;
  r->conn = c;
  r->pool = mempool_create();
  r->t_start = time_mono_sec();
  r->content_length = -1;
  r->auth_rc = CAIRN_ENOENT;
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
  r->auth_rc = http_auth_sigv4(r, &s->o, &why);
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
  if (authorize(s, r, rt)) return;
  int rc = r->h->begin ? r->h->begin(r) : 0;
  if (rc && !r->responded) http_respond_error(r, rc, NULL);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *data_size, void **con_cls) {
  (void)version;
  struct server *s = cls;
  req_t *r = *con_cls;
  if (!r) return MHD_NO;
  if (!r->method) {   /* first call: headers only */
    r->method = mempool_strdup(r->pool, method);
    r->path = mempool_strdup(r->pool, url);
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl) r->content_length = strtoll(cl, NULL, 10);
    /* A request with a body starts now, so auth and limits are checked before 100-continue (an
     * answer now closes the connection, right for an unread body). Without a body, start on the
     * final call: libmicrohttpd keeps the connection alive only for responses queued then. */
    int has_body = r->content_length > 0 ||
                   MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    if (has_body) start(s, r);
    return MHD_YES;
  }
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
  if (r->responded) return MHD_YES;
  int rc = r->body_err;
  if (!rc && r->h->end) rc = r->h->end(r);
  if (rc && !r->responded) http_respond_error(r, rc, NULL);
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
  unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
                   MHD_USE_ITC | MHD_USE_ERROR_LOG | (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
  s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
                          MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, NULL,
                          MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                          MHD_OPTION_CONNECTION_LIMIT, o->max_connections,
                          MHD_OPTION_CONNECTION_TIMEOUT, o->idle_timeout_s,
                          MHD_OPTION_CONNECTION_MEMORY_LIMIT, o->max_header_size,
                          MHD_OPTION_URI_LOG_CALLBACK, uri_cb, s,
                          MHD_OPTION_NOTIFY_COMPLETED, completed_cb, s,
                          MHD_OPTION_THREAD_STACK_SIZE, (size_t)(512 * 1024),
                          MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
                          MHD_OPTION_END);
  if (!s->d) {
    snprintf(err, errlen, "cannot listen on %s (address in use or not permitted)", o->listen);
    xfree(s);
    return CAIRN_EIO;
  }
  const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
  s->port = di ? di->port : 0;
  *out = s;
  return 0;
}

int server_port(const server_t *s) { return s->port; }
unsigned server_inflight(const server_t *s) { return atomic_load(&((server_t *)s)->inflight); }

void server_shutdown(server_t *s, int64_t timeout_ms) {
  atomic_store(&s->stopping, 1);
  MHD_socket fd = MHD_quiesce_daemon(s->d);
  if (fd != MHD_INVALID_SOCKET) close(fd);
  int64_t deadline = time_mono_ms() + timeout_ms;
  unsigned left;
  while ((left = atomic_load(&s->inflight)) && time_mono_ms() < deadline) usleep(20000);
  if (left) LOGW("shutdown deadline reached with %u requests in flight; aborting them", left);
  MHD_stop_daemon(s->d);
  xfree(s);
}
