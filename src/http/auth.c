/* auth.c - SigV4 verification against the request as received: raw path and query from the
 * request line, signed headers read from libmicrohttpd, secrets through the lookup callback. */
#include "auth.h"
#include "../crypto/hash.h"
#include "../crypto/sigv2.h"
#include "../crypto/sigv4.h"
#include "aws_chunked.h"
#include "../util/alloc.h"
#include "../util/base64.h"
#include "../util/log.h"
#include "../util/err.h"
#include "../util/sbuf.h"
#include "../util/timeutil.h"
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_PRESIGN_EXPIRES 604800   /* 7 days, as S3 */

struct hdr_join { const char *name; sbuf_t b; int found; };

static enum MHD_Result join_cb(void *cls, enum MHD_ValueKind kind, const char *k, const char *v) {
  (void)kind;
  struct hdr_join *j = cls;
  if (strcasecmp(k, j->name)) return MHD_YES;
  if (j->found) sbuf_addc(&j->b, ',');
  sbuf_adds(&j->b, v ? v : "");
  j->found = 1;
  return MHD_YES;
}

/* sigv4_header_fn: every value of a header joined with ',' (SigV4 canonical headers). Behind a
 * trusted proxy the client signed the host it talked to: X-Forwarded-Host. */
static const char *get_header(void *ctx, const char *lname) {
  req_t *r = ctx;
  if (r->trusted_proxy && !strcmp(lname, "host")) {
    const char *fh = http_header(r, "X-Forwarded-Host");
    if (fh) return fh;
  }
  struct hdr_join j = {lname, {0}, 0};
  MHD_get_connection_values(r->conn, MHD_HEADER_KIND, join_cb, &j);
  if (!j.found) { sbuf_free(&j.b); return NULL; }
  char *v = mempool_strdup(r->pool, j.b.s ? j.b.s : "");
  sbuf_free(&j.b);
  return v;
}

static int signed_has(const char *list, const char *name) {
  size_t n = strlen(name);
  for (const char *p = list; p;) {
    if (!strncmp(p, name, n) && (p[n] == ';' || !p[n])) return 1;
    p = strchr(p, ';');
    if (p) p++;
  }
  return 0;
}

static int check_time(const struct sigv4_auth *a, const struct server_opts *o, const char **why) {
  time_t t, now = time(NULL);
  if (time_parse_amz(a->amz_date, &t)) { *why = "malformed X-Amz-Date"; return CAIRN_EINVAL; }
  if (strncmp(a->amz_date, a->date, 8)) { *why = "credential date does not match X-Amz-Date"; return CAIRN_ESIG; }
  if (a->presigned) {
    if (a->expires > MAX_PRESIGN_EXPIRES) { *why = "X-Amz-Expires must be at most 604800"; return CAIRN_EQUERYAUTH; }
    if (t > now + o->clock_skew_s) { *why = "request is not yet valid"; return CAIRN_EAUTH; }
    if (now > t + a->expires) { *why = "request has expired"; return CAIRN_EEXPIRED; }
  } else if (llabs((long long)(now - t)) > o->clock_skew_s) {
    *why = "the difference between the request time and the server's time is too large";
    return CAIRN_ESKEW;
  }
  return 0;
}

/* A signed aws-chunked body chains its chunk signatures from this request's signature. */
static void chunk_signer(req_t *r, const struct sigv4_auth *a, const char *secret, const char *payload) {
  if (strncmp(payload, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", 34)) return;
  struct awschunk_signer *s = mempool_alloc(r->pool, sizeof *s);
  sigv4_signing_key(secret, a, s->key);
  memcpy(s->date, a->amz_date, sizeof s->date);
  sigv4_scope(a, s->scope, sizeof s->scope);
  memcpy(s->prev, a->signature, sizeof s->prev);
  r->chunk_signer = s;
}

struct unsigned_scan { const char *signed_list; const char *bad; req_t *r; };

static enum MHD_Result unsigned_cb(void *cls, enum MHD_ValueKind kind, const char *k, const char *v) {
  (void)kind; (void)v;
  struct unsigned_scan *u = cls;
  if (u->bad || strncasecmp(k, "x-amz-", 6)) return MHD_YES;
  char low[128];
  size_t n = strlen(k);
  if (n >= sizeof low) { u->bad = mempool_strdup(u->r->pool, "(a very long x-amz- header)"); return MHD_NO; }
  for (size_t i = 0; i <= n; i++) low[i] = (char)((k[i] >= 'A' && k[i] <= 'Z') ? k[i] + 32 : k[i]);
  /* x-amz-date and x-amz-content-sha256 are part of the string to sign whether listed or not */
  if (!strcmp(low, "x-amz-date") || !strcmp(low, "x-amz-content-sha256")) return MHD_YES;
  if (!signed_has(u->signed_list, low)) { u->bad = mempool_strdup(u->r->pool, low); return MHD_NO; }
  return MHD_YES;
}

/* AWS refuses a request that carries an x-amz-* header its signature does not cover: an unsigned
 * x-amz-copy-source added to a presigned PUT would otherwise copy whatever the signer can read. */
static int refuse_unsigned(req_t *r, const struct sigv4_auth *a, const char **why) {
  struct unsigned_scan u = {a->signed_headers, NULL, r};
  MHD_get_connection_values(r->conn, MHD_HEADER_KIND, unsigned_cb, &u);
  if (!u.bad) return 0;
  *why = mempool_printf(r->pool, "there were headers present in the request which were not signed: %s", u.bad);
  return CAIRN_EAUTH;
}

/* HTTP Basic with a cairn access key and secret as user and password, as filer-gateway clients
 * send it; only on /v1/ (S3 clients sign). */
static int auth_basic(req_t *r, const struct server_opts *o, const char *h, const char **why) {
  if (strncmp(r->path, "/v1/", 4)) { *why = "HTTP Basic authentication is only for /v1/"; return CAIRN_EAUTH; }
  size_t n = 0;
  unsigned char *d = base64_decode(h + 6, 512, &n);
  char *colon = d ? memchr(d, ':', n) : NULL;
  if (!colon || memchr(d, 0, n)) { xfree(d); *why = "malformed Basic credentials"; return CAIRN_EAUTH; }
  *colon = 0;
  const char *key = (const char *)d, *given = colon + 1;
  size_t glen = n - (size_t)(colon + 1 - (char *)d);
  char *secret = NULL, role[16] = "", name[65] = "";
  int rc = CAIRN_EAUTH;
  int lrc = o->lookup(r->app, key, &secret, role, name);
  if (lrc == CAIRN_EBUSY) { xfree(d); *why = "the metadata database cannot be reached; retry"; return lrc; }
  if (!lrc) {
    if (strlen(secret) == glen && crypto_memeq(secret, given, glen)) rc = 0;
    memset(secret, 0, strlen(secret));
    xfree(secret);
  }
  if (!rc) {
    r->user_key = mempool_strdup(r->pool, key);
    memcpy(r->role, role, sizeof r->role);
    memcpy(r->user_name, name, sizeof r->user_name);
  } else {
    *why = "the access key and secret do not match";
  }
  memset(d, 0, n);
  xfree(d);
  return rc;
}

int http_auth_sigv4(req_t *r, const struct server_opts *o, const char **why) {
  struct sigv4_auth a;
  const char *basic = http_header(r, "Authorization");
  if (basic && !strncasecmp(basic, "Basic ", 6)) return auth_basic(r, o, basic, why);
  struct sigv2_auth v2;
  *why = NULL;
  int rc = sigv4_parse_presigned(r->raw_query, &a);
  if (rc == CAIRN_EINVAL) { *why = "malformed presigned query parameters"; return CAIRN_EAUTH; }
  int rc2 = sigv2_parse_presigned(r->raw_query, &v2);
  if (rc2 == CAIRN_EINVAL) { *why = "malformed AWSAccessKeyId / Expires / Signature query parameters"; return CAIRN_EAUTH; }
  if (!rc2 && rc != CAIRN_ENOENT) { *why = "a request has one presigned signature, not two"; return CAIRN_EAUTH; }
  if (rc2 == CAIRN_ENOENT && rc == CAIRN_ENOENT) {   /* no presigned query: a V2 Authorization header? */
    rc2 = sigv2_parse_authorization(http_header(r, "Authorization"), &v2);
    if (rc2 == CAIRN_EINVAL) { *why = "malformed Authorization header"; return CAIRN_EINVAL; }
  }
  if (!rc2) return http_auth_sigv2(r, o, &v2, why);
  const char *payload = SIGV4_UNSIGNED;
  if (rc == CAIRN_ENOENT) {
    const char *h = http_header(r, "Authorization");
    if (!h) return CAIRN_ENOENT;
    if (!strncasecmp(h, "Bearer ", 7)) return CAIRN_ENOENT;   /* not a signature: a token the handler checks (/metrics) */
    if (sigv4_parse_authorization(h, &a)) { *why = "malformed Authorization header"; return CAIRN_EINVAL; }
    const char *d = http_header(r, "X-Amz-Date");
    if (!d || strlen(d) != 16) { *why = "missing or malformed X-Amz-Date"; return CAIRN_EAUTH; }
    memcpy(a.amz_date, d, 17);
    payload = http_header(r, "X-Amz-Content-Sha256");
    if (!payload) { *why = "missing x-amz-content-sha256 header"; return CAIRN_EAUTH; }
  }
  if (strcmp(a.service, "s3")) { *why = "credential scope service must be s3"; return CAIRN_EAUTH; }
  if (strcmp(a.region, o->region)) { *why = "credential scope region does not match the server's"; return CAIRN_EAUTH; }
  if (!signed_has(a.signed_headers, "host")) { *why = "the host header must be signed"; return CAIRN_EAUTH; }
  if ((rc = check_time(&a, o, why))) return rc;
  if ((rc = refuse_unsigned(r, &a, why))) return rc;
  r->trusted_proxy = o->trust_proxy;

  char *secret = NULL, role[16] = "", name[65] = "";
  if ((rc = o->lookup(r->app, a.access_key, &secret, role, name))) {
    *why = rc == CAIRN_EBUSY ? "the metadata database cannot be reached; retry" : "the access key does not exist";
    return rc == CAIRN_EBUSY ? rc : CAIRN_EAUTH;
  }
  /* SigV4 canonical URI is the re-encoded path; some signers (curl) sign the path exactly as
   * sent instead, so the raw path is tried second when it differs. */
  char *curi = sigv4_canonical_uri(r->raw_path);
  char *cq = sigv4_canonical_query(r->raw_query, a.presigned);
  const char *uris[2] = {curi, curi && strcmp(curi, r->raw_path) ? r->raw_path : NULL};
  rc = CAIRN_ESIG;
  *why = "a signed header is missing or the path is malformed";
  for (int i = 0; i < 2 && rc && uris[i] && cq; i++) {
    char *creq = sigv4_canonical_request(r->method, uris[i], cq, a.signed_headers, get_header, r, payload);
    if (!creq) break;
    char sig[65];
    sigv4_sign(secret, &a, creq, sig);
    if (crypto_memeq(sig, a.signature, 64)) rc = 0, chunk_signer(r, &a, secret, payload);
    else {
      *why = "the request signature does not match";
      LOGD("sigv4 mismatch for %s; canonical request:\n%s", a.access_key, creq);
    }
    xfree(creq);
  }
  memset(secret, 0, strlen(secret));
  xfree(secret);
  xfree(curi);
  xfree(cq);
  if (rc) return rc;
  r->user_key = mempool_strdup(r->pool, a.access_key);
  memcpy(r->role, role, sizeof r->role);
  memcpy(r->user_name, name, sizeof r->user_name);
  r->payload_hash = payload;
  return 0;
}
