/* response.c - building and queueing responses, header and query accessors. Every response
 * carries X-Request-Id; during shutdown it also closes the connection. */
#include "request.h"
#include "server_internal.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/sbuf.h"
#include "../util/timeutil.h"
#include <jansson.h>
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

struct hdr { struct hdr *next; const char *name, *value; };

const char *http_header(req_t *r, const char *name) {
  return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *http_client_ip(req_t *r) {
  if (r->client_ip) return r->client_ip;
  const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  char buf[INET6_ADDRSTRLEN] = "";
  if (ci && ci->client_addr) {
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET) inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, sizeof buf);
    else if (sa->sa_family == AF_INET6) inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, sizeof buf);
  }
  r->client_ip = mempool_strdup(r->pool, buf);
  return r->client_ip;
}

const char *http_query(req_t *r, const char *name) {
  return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

struct each_ctx { void (*fn)(void *, const char *, const char *); void *ctx; };

static enum MHD_Result each_cb(void *cls, enum MHD_ValueKind kind, const char *k, const char *v) {
  (void)kind;
  struct each_ctx *e = cls;
  e->fn(e->ctx, k, v ? v : "");
  return MHD_YES;
}

void http_each_header(req_t *r, void (*fn)(void *ctx, const char *name, const char *value), void *ctx) {
  struct each_ctx e = {fn, ctx};
  MHD_get_connection_values(r->conn, MHD_HEADER_KIND, each_cb, &e);
}

void http_clear_headers(req_t *r) { r->extra = NULL; }   /* the pool frees them with the request */

int http_has_query(req_t *r, const char *name) {
  size_t n = strlen(name);
  for (const char *p = r->raw_query; p && *p;) {
    if (!strncmp(p, name, n) && (p[n] == '=' || p[n] == '&' || !p[n])) return 1;
    p = strchr(p, '&');
    if (p) p++;
  }
  return 0;
}

void http_add_header(req_t *r, const char *name, const char *value) {
  struct hdr *h = mempool_alloc(r->pool, sizeof *h);
  h->name = mempool_strdup(r->pool, name);
  h->value = mempool_strdup(r->pool, value);
  h->next = r->extra;
  r->extra = h;
}

static int queue(req_t *r, int status, struct MHD_Response *resp, uint64_t len) {
  if (!resp) return CAIRN_ENOMEM;
  MHD_add_response_header(resp, "X-Request-Id", r->id);
  MHD_add_response_header(resp, "x-amz-request-id", r->id);   /* where S3 SDKs look for it */
  /* libmicrohttpd refuses an empty value; one space is the same empty value on the wire (OWS) */
  for (struct hdr *h = r->extra; h; h = h->next) MHD_add_response_header(resp, h->name, *h->value ? h->value : " ");
  if (server_stopping(r)) MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
  r->status = status;
  r->t_status = time_mono_sec();
  r->responded = 1;
  if (strcmp(r->method ? r->method : "", "HEAD")) r->bytes_out += len;
  enum MHD_Result ok = MHD_queue_response(r->conn, (unsigned)status, resp);
  MHD_destroy_response(resp);
  return ok == MHD_YES ? 0 : CAIRN_EIO;
}

int http_respond_buf(req_t *r, int status, const char *ctype, const void *data, size_t len) {
  struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
  if (resp && ctype) MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
  return queue(r, status, resp, len);
}

int http_respond_text(req_t *r, int status, const char *text) {
  return http_respond_buf(r, status, "text/plain; charset=utf-8", text, strlen(text));
}

int http_respond_json_str(req_t *r, int status, const char *json) {
  return http_respond_buf(r, status, "application/json", json, strlen(json));
}

int http_respond_error(req_t *r, int err, const char *message) {
  if (r->write_error) return r->write_error(r, err, message);   /* the route's dialect (S3 XML) */
  int status = cairn_errstatus(err);
  r->err_code = cairn_errcode(err);
  json_t *j = json_pack("{s:{s:s,s:s,s:s}}", "error", "code", r->err_code, "message",
                        message ? message : cairn_strerror(err), "request_id", r->id);
  char *body = json_dumps(j, JSON_COMPACT);
  json_decref(j);
  if (status == 503) http_add_header(r, "Retry-After", "1");
  sbuf_t b = {0};
  sbuf_printf(&b, "%s\n", body ? body : "{}");
  free(body);
  int rc = http_respond_json_str(r, status, b.s);
  sbuf_free(&b);
  return rc;
}

int http_fail(req_t *r, int err, const char *message) {
  http_respond_error(r, err, message);
  return 0;
}

int http_respond_fd(req_t *r, int status, int fd, uint64_t off, uint64_t len) {
  int dfd = dup(fd);
  if (dfd < 0) return CAIRN_EIO;
  struct MHD_Response *resp = MHD_create_response_from_fd_at_offset64(len, dfd, off);
  if (!resp) { close(dfd); return CAIRN_ENOMEM; }
  return queue(r, status, resp, len);
}

struct stream { req_t *r; http_reader_fn fn; void *cls; http_free_fn free_fn; };

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max) {
  struct stream *s = cls;
  server_waiting_over(s->r);   /* called again after a suspension: the client's clock runs again */
  long n = s->fn(s->cls, pos, buf, max);
  if (n == HTTP_READ_SUSPENDED) return 0;   /* suspended: not polled until http_stream_resume */
  if (n < 0) return MHD_CONTENT_READER_END_WITH_ERROR;
  if (n == 0) return MHD_CONTENT_READER_END_OF_STREAM;
  return n;
}

static void stream_free(void *cls) {
  struct stream *s = cls;
  if (s->free_fn) s->free_fn(s->cls);
  xfree(s);
}

static long no_body(void *cls, uint64_t pos, char *buf, size_t max) {
  (void)cls; (void)pos; (void)buf; (void)max;
  return 0;
}

void http_stream_suspend(req_t *r) {
  server_waiting(r);
  MHD_suspend_connection(r->conn);
}

void http_stream_resume(req_t *r) { MHD_resume_connection(r->conn); }

int http_respond_head(req_t *r, int status, uint64_t size) {
  return http_respond_stream(r, status, size, no_body, NULL, NULL);
}

int http_respond_stream(req_t *r, int status, uint64_t size, http_reader_fn fn, void *cls,
                        http_free_fn free_fn) {
  struct stream *s = xmalloc(sizeof *s);
  *s = (struct stream){r, fn, cls, free_fn};
  struct MHD_Response *resp = MHD_create_response_from_callback(
      size == UINT64_MAX ? MHD_SIZE_UNKNOWN : size, 256 * 1024, stream_read, s, stream_free);
  if (!resp) { stream_free(s); return CAIRN_ENOMEM; }
  return queue(r, status, resp, size == UINT64_MAX ? 0 : size);
}
