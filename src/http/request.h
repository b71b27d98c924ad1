/* request.h - one HTTP request as the handlers in api/ see it, and the handler interface.
 * A request owns a mempool (r->pool) that dies with it; handlers hang their state and cleanup
 * hooks (abort a half-written block, close a reader, return a buffer) on it. */
#ifndef CAIRN_REQUEST_H
#define CAIRN_REQUEST_H
#include "../util/mempool.h"
#include <stddef.h>
#include <stdint.h>

typedef struct req req_t;
struct MHD_Connection;

struct handler {
  /* headers are in; may respond. Returns 0 or a CAIRN_E* error that becomes the response;
   * CAIRN_EBUSY (no pool buffer) parks the request and calls begin again when a buffer frees,
   * until buffer_wait has passed (then 503 SlowDown). */
  int (*begin)(req_t *r);
  /* a piece of the body (never called after a response was sent) */
  int (*body)(req_t *r, const char *data, size_t n);
  /* the whole body is in; must respond or return an error, CAIRN_EBUSY (park, as for begin),
   * http_defer()'s CAIRN_EDEFER (blocking work on a worker; end is called again afterwards) or
   * CAIRN_EAGAIN (long poll: end is called again within ~50 ms; when the server stops, 503) */
  int (*end)(req_t *r);
};

/* AUTH_USER_OR_LOCATOR: an invalid signature is refused, but an anonymous request reaches the
 * handler, which decides (signed block locators, public buckets). */
enum route_auth { AUTH_NONE, AUTH_USER, AUTH_ADMIN, AUTH_USER_OR_LOCATOR };

struct req {
  void *app;                    /* the api layer's context (struct app) */
  void *srv;                    /* the server (http/ only) */
  struct MHD_Connection *conn;
  mempool_t *pool;
  const char *method;
  const char *raw_path;         /* as sent, still percent-encoded */
  const char *raw_query;        /* as sent, "" when absent */
  const char *path;             /* decoded */
  const char *tail;             /* decoded path after the route's prefix */
  char id[17];                  /* request id, also X-Request-Id */
  int64_t content_length;       /* -1 when unknown (chunked) */
  /* auth */
  int auth_rc;                  /* 0 authenticated, CAIRN_ENOENT anonymous, else the failure */
  const char *user_key;         /* access key of the signer */
  char role[16];
  char user_name[65];           /* the signer's user name */
  const char *client_ip;        /* http_client_ip, once asked */
  const char *payload_hash;     /* x-amz-content-sha256 as signed, or NULL */
  int trusted_proxy;            /* trust_proxy: X-Forwarded-Host stands for Host */
  struct awschunk_signer *chunk_signer;   /* signed aws-chunked body: key, scope, seed signature */
  /* state */
  const struct handler *h;
  int route_index;              /* in the route table, -1 before routing or when none matched */
  void *state;
  int body_err;                 /* first error seen while reading the body */
  uint64_t discarded;           /* body bytes read after an error */
  int started;                  /* routed and authenticated */
  int (*write_error)(req_t *r, int err, const char *message);   /* the route's error dialect, or NULL: JSON */
  int has_body;
  int parked;                   /* suspended until a pool buffer frees */
  int server_waiting;           /* parked or on a worker: the watchdog does not count it */
  struct watch_conn *wconn;     /* this connection's deadlines (watchdog.h) */
  void *share;                  /* the api layer's share of the buffer pool, when held */
  int parked_phase;             /* 1: begin, 2: end */
  double park_deadline;
  struct req *next_parked;
  int responded;
  int status;
  const char *err_code;
  uint64_t bytes_in, bytes_out;
  double t_start, t_status;
  struct hdr *extra;            /* headers to add to the response */
};

const char *http_header(req_t *r, const char *name);           /* case-insensitive; NULL if absent */
const char *http_client_ip(req_t *r);                          /* the peer's address as text ("" if unknown) */
const char *http_query(req_t *r, const char *name);            /* decoded value or NULL */
int http_has_query(req_t *r, const char *name);                /* 1 if present, even as "?name" */
/* Calls fn for every request header (name as sent). */
void http_each_header(req_t *r, void (*fn)(void *ctx, const char *name, const char *value), void *ctx);
void http_add_header(req_t *r, const char *name, const char *value);   /* copied into the pool */
void http_clear_headers(req_t *r);   /* forget added headers (a handler about to retry later) */

/* The server's own metrics in the Prometheus text format (requests, durations, bytes, connections). */
void http_metrics_text(req_t *r, char **out, size_t *len);   /* heap, caller xfrees */

/* Responses (each copies or takes what it says; exactly one per request). */
int http_respond_buf(req_t *r, int status, const char *ctype, const void *data, size_t len);
int http_respond_text(req_t *r, int status, const char *text);
int http_respond_json_str(req_t *r, int status, const char *json);
/* {"error":{"code","message","request_id"}} with the error's status (Retry-After on 503);
 * on S3 routes the S3 XML error document instead. */
int http_respond_error(req_t *r, int err, const char *message);
/* http_respond_error, then 0: lets a handler answer an error and be done (`return http_fail(...)`). */
int http_fail(req_t *r, int err, const char *message);
/* A headers-only answer announcing `size` bytes (HEAD; libmicrohttpd sends no body). */
int http_respond_head(req_t *r, int status, uint64_t size);
/* Serves [off, off+len) of fd with sendfile; the fd is dup'ed, the caller keeps its own. */
int http_respond_fd(req_t *r, int status, int fd, uint64_t off, uint64_t len);
/* A body reader: bytes, 0 at the end, -1 on an error (the connection is cut: never a complete
 * wrong body), or HTTP_READ_SUSPENDED after http_stream_suspend (called again once resumed). */
typedef long (*http_reader_fn)(void *cls, uint64_t pos, char *buf, size_t max);
#define HTTP_READ_SUSPENDED (-3)
/* Inside a reader with nothing to send yet: the connection sleeps (the server, not the client, is
 * the slow one) until http_stream_resume, which any thread may call once. */
void http_stream_suspend(req_t *r);
void http_stream_resume(req_t *r);
typedef void (*http_free_fn)(void *cls);
/* Streams a body of `size` bytes (UINT64_MAX for unknown) from a reader callback. */
int http_respond_stream(req_t *r, int status, uint64_t size, http_reader_fn fn, void *cls,
                        http_free_fn free_fn);

#endif
