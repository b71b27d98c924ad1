/* auth_sigv2.c - Signature Version 2 verification (`Authorization: AWS AK:sig`, or the presigned
 * AWSAccessKeyId/Expires/Signature query) against the request as received. Every x-amz-* header
 * the request carries is part of what V2 signs, so none can be added to a signed request. */
#include "auth.h"
#include "../crypto/hash.h"
#include "../crypto/sigv2.h"
#include "../crypto/sigv4.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/timeutil.h"
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_PRESIGN_EXPIRES 604800   /* 7 days, as for SigV4 */
#define MAX_AMZ_HEADERS 64

struct amz { struct sigv2_header h[MAX_AMZ_HEADERS]; size_t n; int overflow; };

static enum MHD_Result amz_cb(void *cls, enum MHD_ValueKind kind, const char *k, const char *v) {
  (void)kind;
  struct amz *a = cls;
  if (strncasecmp(k, "x-amz-", 6)) return MHD_YES;
  if (a->n == MAX_AMZ_HEADERS) { a->overflow = 1; return MHD_NO; }
  a->h[a->n].name = k;
  a->h[a->n].value = v ? v : "";
  a->n++;
  return MHD_YES;
}

/* "/bucket" when the request addresses its bucket by Host (virtual-host style), else "". */
static const char *bucket_prefix(req_t *r, const struct server_opts *o) {
  const char *host = o->trust_proxy && http_header(r, "X-Forwarded-Host") ? http_header(r, "X-Forwarded-Host")
                                                                          : http_header(r, "Host");
  const char *domain = o->virtual_host_domain;
  if (!host || !domain || !*domain) return "";
  size_t hl = strcspn(host, ":"), dl = strlen(domain);
  if (hl <= dl + 1 || host[hl - dl - 1] != '.' || strncasecmp(host + hl - dl, domain, dl)) return "";
  return mempool_printf(r->pool, "/%.*s", (int)(hl - dl - 1), host);
}

static int check_time(req_t *r, const struct sigv2_auth *a, const struct server_opts *o, const char **why) {
  time_t now = time(NULL);
  if (a->presigned) {
    if (now > a->expires) { *why = "request has expired"; return CAIRN_EEXPIRED; }
    if (a->expires - now > MAX_PRESIGN_EXPIRES) { *why = "a presigned URL may be valid for at most 604800 seconds"; return CAIRN_EQUERYAUTH; }
    return 0;
  }
  const char *xd = http_header(r, "X-Amz-Date"), *d = xd ? xd : http_header(r, "Date");
  time_t t;
  if (!d || (time_parse_http(d, &t) && time_parse_amz(d, &t))) { *why = "missing or malformed Date / x-amz-date"; return CAIRN_EAUTH; }
  if (llabs((long long)(now - t)) > o->clock_skew_s) {
    *why = "the difference between the request time and the server's time is too large";
    return CAIRN_ESKEW;
  }
  return 0;
}

int http_auth_sigv2(req_t *r, const struct server_opts *o, const struct sigv2_auth *a, const char **why) {
  int rc = check_time(r, a, o, why);
  if (rc) return rc;
  const char *payload = http_header(r, "X-Amz-Content-Sha256");
  if (payload && !strncmp(payload, "STREAMING-AWS4", 14)) { *why = "signed aws-chunked bodies need SigV4"; return CAIRN_EAUTH; }
  struct amz h = {0};
  MHD_get_connection_values(r->conn, MHD_HEADER_KIND, amz_cb, &h);
  if (h.overflow) { *why = "too many x-amz- headers"; return CAIRN_EINVAL; }
  r->trusted_proxy = o->trust_proxy;
  char *secret = NULL, role[16] = "", name[65] = "";
  int lrc = o->lookup(r->app, a->access_key, &secret, role, name);
  if (lrc == CAIRN_EBUSY) { *why = "the metadata database cannot be reached; retry"; return lrc; }
  if (lrc) { *why = "the access key does not exist"; return CAIRN_EAUTH; }

  char *amz = sigv2_canonical_amz_headers(h.h, h.n);
  const char *prefix = bucket_prefix(r, o);
  char *res[2] = {sigv2_canonical_resource(prefix, r->raw_path, r->raw_query), NULL};
  /* a bucket addressed path-style ("/bucket") is signed as "/bucket/" by botocore and others */
  if (!*prefix && r->raw_path[0] == '/' && r->raw_path[1] && !strchr(r->raw_path + 1, '/'))
    res[1] = sigv2_canonical_resource("", mempool_printf(r->pool, "%s/", r->raw_path), r->raw_query);
  /* the date line: Expires when presigned; else Date, which is empty when x-amz-date stands for it
   * (some signers put the Date header's value there anyway: tried too) */
  const char *date = http_header(r, "Date");
  const char *dates[2] = {a->presigned ? a->expires_text : http_header(r, "X-Amz-Date") ? "" : date, NULL};
  if (!a->presigned && http_header(r, "X-Amz-Date") && date) dates[1] = date;
  rc = CAIRN_ESIG;
  *why = res[0] ? "the request signature does not match" : "the query has a malformed escape";
  size_t sl = strlen(a->signature);
  for (int i = 0; i < 4 && rc && res[0]; i++) {
    const char *resource = res[i & 1], *d = i < 2 ? (dates[0] ? dates[0] : "") : dates[1];
    if (!resource || !d) continue;
    char *sts = sigv2_string_to_sign(r->method, http_header(r, "Content-MD5"), http_header(r, "Content-Type"), d,
                                     amz, resource);
    char sig[64];
    sigv2_sign(secret, sts, sig);
    if (strlen(sig) == sl && crypto_memeq(sig, a->signature, sl)) rc = 0;
    else LOGD("sigv2 mismatch for %s; string to sign:\n%s", a->access_key, sts);
    xfree(sts);
  }
  xfree(amz);
  xfree(res[0]);
  xfree(res[1]);
  memset(secret, 0, strlen(secret));
  xfree(secret);
  if (rc) return rc;
  r->user_key = mempool_strdup(r->pool, a->access_key);
  memcpy(r->role, role, sizeof r->role);
  memcpy(r->user_name, name, sizeof r->user_name);
  r->payload_hash = payload ? payload : SIGV4_UNSIGNED;
  return 0;
}
