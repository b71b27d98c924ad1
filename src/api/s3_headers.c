/* s3_headers.c - object headers kept with an object (x-amz-meta-*, Content-Encoding,
 * Content-Disposition, Cache-Control, Content-Language, Expires) as a JSON object; their return
 * on GET/HEAD with response-* query overrides; and the conditional request headers. */
#include "s3.h"
#include "../service/lifecycle.h"
#include "../util/alloc.h"
#include "../util/base64.h"
#include "../util/err.h"
#include "../util/timeutil.h"
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char *standard[] = {"Content-Encoding", "Content-Disposition", "Cache-Control",
                                 "Content-Language", "Expires"};
#define NSTD (sizeof standard / sizeof standard[0])

/* A Content-Encoding list without its aws-chunked token (it describes the request, not the object). */
static void drop_aws_chunked(const char *v, char *out, size_t cap) {
  size_t o = 0;
  out[0] = 0;
  while (*v) {
    while (*v == ' ' || *v == ',') v++;
    size_t n = strcspn(v, ",");
    size_t t = n;
    while (t && v[t - 1] == ' ') t--;
    if (t && !(t == 11 && !strncasecmp(v, "aws-chunked", 11)) && o + t + 2 < cap) {
      if (o) out[o++] = ',';
      memcpy(out + o, v, t);
      out[o += t] = 0;
    }
    v += n;
  }
}

static void collect(void *ctx, const char *name, const char *value) {
  json_t *o = ctx;
  char enc[256];
  if (!value) value = "";   /* an empty header: kept empty (S3 keeps empty x-amz-meta- values) */
  if (!strncasecmp(name, "x-amz-meta-", 11)) {
    char lower[256];
    size_t n = strlen(name);
    if (n >= sizeof lower) return;
    for (size_t i = 0; i <= n; i++) lower[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
    json_object_set_new(o, lower, json_string(value));
    return;
  }
  if (!strcasecmp(name, "Content-Encoding")) {
    drop_aws_chunked(value, enc, sizeof enc);
    if (!*enc) return;
    value = enc;
  }
  for (size_t i = 0; i < NSTD; i++)
    if (!strcasecmp(name, standard[i])) json_object_set_new(o, standard[i], json_string(value));
}

char *s3_headers_add(req_t *r, const char *json, const char *name, const char *value) {
  json_error_t e;
  json_t *o = json_loads(json ? json : "{}", 0, &e);
  if (!o) o = json_object();
  json_object_set_new(o, name, json_string(value));
  char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(o);
  char *copy = mempool_strdup(r->pool, s ? s : "{}");
  free(s);
  return copy;
}

char *s3_headers_from_request(req_t *r) {
  json_t *o = json_object();
  http_each_header(r, collect, o);
  char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(o);
  char *copy = mempool_strdup(r->pool, s ? s : "{}");
  free(s);
  return copy;
}

int s3_write_headers_check(req_t *r, const char **why) {
  const char *cm = http_header(r, "Content-MD5");
  if (cm) {
    size_t n = 0;
    unsigned char *d = base64_decode(cm, 64, &n);
    xfree(d);
    if (!d || n != 16) { *why = "Content-MD5 must be the base64 of 16 bytes"; return CAIRN_EINVALIDDIGEST; }
  }
  const char *t = http_header(r, "x-amz-tagging");
  if (t) {
    char *json = NULL;
    int rc = tags_from_query(t, &json);
    xfree(json);
    if (rc) { *why = "x-amz-tagging: at most 10 distinct keys of 1 to 128 and values of at most 256 characters"; return rc; }
  }
  return 0;
}

void s3_headers_to_response(req_t *r, const char *stored) {
  json_error_t e;
  json_t *o = json_loads(stored ? stored : "{}", 0, &e);
  const char *k;
  json_t *v;
  static const struct { const char *query, *header; } over[] = {
    {"response-content-encoding", "Content-Encoding"}, {"response-content-disposition", "Content-Disposition"},
    {"response-cache-control", "Cache-Control"}, {"response-content-language", "Content-Language"},
    {"response-expires", "Expires"}};
  const char *mode = http_header(r, "x-amz-checksum-mode");
  /* the whole object's checksums; a range or a part is not what they describe (S3 omits them) */
  int checksums = mode && !strcasecmp(mode, "ENABLED") && !http_header(r, "Range") && !http_query(r, "partNumber");
  json_object_foreach(o, k, v) {
    if (!strncmp(k, "x-amz-checksum-", 15) && !checksums) continue;
    if (!strncmp(k, "cairn:", 6)) continue;   /* the server's own (objects.h) */
    int overridden = 0;
    for (size_t i = 0; i < sizeof over / sizeof over[0]; i++)
      if (!strcmp(k, over[i].header) && http_query(r, over[i].query)) overridden = 1;
    if (!overridden && json_is_string(v)) http_add_header(r, k, json_string_value(v));
  }
  json_decref(o);
  for (size_t i = 0; i < sizeof over / sizeof over[0]; i++)
    if (http_query(r, over[i].query)) http_add_header(r, over[i].header, http_query(r, over[i].query));
}

static int etag_matches(const char *list, const char *etag) {
  if (!strcmp(list, "*")) return 1;
  size_t el = strlen(etag);
  for (const char *p = list; *p;) {
    while (*p == ' ' || *p == ',') p++;
    if (!strncmp(p, "W/", 2)) p += 2;
    const char *q = p;
    if (*q == '"') q++;
    if (!strncmp(q, etag, el) && (q[el] == '"' || q[el] == ',' || !q[el] || q[el] == ' ')) return 1;
    p = strchr(p, ',');
    if (!p) break;
  }
  return 0;
}


/* CopyObject and UploadPartCopy: x-amz-copy-source-if-match / -if-none-match / -if-modified-since /
 * -if-unmodified-since against the source; any that fails is 412 PreconditionFailed. */
int s3_copy_preconditions(req_t *r, const char *etag, int64_t mtime_ms) {
  time_t mtime = (time_t)(mtime_ms / 1000), t;
  const char *im = http_header(r, "x-amz-copy-source-if-match");
  const char *ius = http_header(r, "x-amz-copy-source-if-unmodified-since");
  const char *inm = http_header(r, "x-amz-copy-source-if-none-match");
  const char *ims = http_header(r, "x-amz-copy-source-if-modified-since");
  if (im && !etag_matches(im, etag)) return CAIRN_EPRECONDITION;
  if (!im && ius && !time_parse_http(ius, &t) && mtime > t) return CAIRN_EPRECONDITION;
  if (inm && etag_matches(inm, etag)) return CAIRN_EPRECONDITION;
  if (!inm && ims && !time_parse_http(ims, &t) && mtime <= t) return CAIRN_EPRECONDITION;
  return 0;
}

/* RFC 9110 section 13.2.2 order: If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since. */
int s3_preconditions(req_t *r, const char *etag, int64_t mtime_ms) {
  time_t mtime = (time_t)(mtime_ms / 1000), t;
  const char *im = http_header(r, "If-Match"), *ius = http_header(r, "If-Unmodified-Since");
  const char *inm = http_header(r, "If-None-Match"), *ims = http_header(r, "If-Modified-Since");
  if (im && !etag_matches(im, etag)) return CAIRN_EPRECONDITION;
  if (!im && ius && !time_parse_http(ius, &t) && mtime > t) return CAIRN_EPRECONDITION;
  int get = !strcmp(r->method, "GET") || !strcmp(r->method, "HEAD");
  if (inm && etag_matches(inm, etag)) return get ? CAIRN_ENOTMODIFIED : CAIRN_EPRECONDITION;
  if (!inm && ims && get && !time_parse_http(ims, &t) && mtime <= t) return CAIRN_ENOTMODIFIED;
  return 0;
}
