/* sigv2.c - AWS Signature Version 2 for S3 (sigv2.h). */
#include "sigv2.h"
#include "sigv4.h"
#include "../util/alloc.h"
#include "../util/base64.h"
#include "../util/err.h"
#include "../util/sbuf.h"
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The query parameters that are part of the signed resource (AWS's list, as botocore signs it). */
static const char *const subresources[] = {
  "accelerate", "acl", "analytics", "cors", "defaultObjectAcl", "delete", "inventory", "lifecycle",
  "location", "logging", "metrics", "notification", "object-lock", "partNumber", "policy",
  "replication", "requestPayment", "response-cache-control", "response-content-disposition",
  "response-content-encoding", "response-content-language", "response-content-type",
  "response-expires", "restore", "select", "select-type", "storageClass", "tagging", "torrent",
  "uploadId", "uploads", "versionId", "versioning", "versions", "website",
};

static int is_subresource(const char *name, size_t n) {
  for (size_t i = 0; i < sizeof subresources / sizeof *subresources; i++)
    if (strlen(subresources[i]) == n && !memcmp(subresources[i], name, n)) return 1;
  return 0;
}

int sigv2_parse_authorization(const char *h, struct sigv2_auth *out) {
  memset(out, 0, sizeof *out);
  out->expires = -1;
  if (!h || strncmp(h, "AWS ", 4)) return CAIRN_ENOENT;
  h += 4;
  const char *colon = strrchr(h, ':');
  if (!colon || colon == h || (size_t)(colon - h) >= sizeof out->access_key) return CAIRN_EINVAL;
  size_t sl = strlen(colon + 1);
  if (!sl || sl >= sizeof out->signature) return CAIRN_EINVAL;
  memcpy(out->access_key, h, (size_t)(colon - h));
  memcpy(out->signature, colon + 1, sl + 1);
  for (const char *p = out->access_key; *p; p++) if (*p <= ' ' || *p == 0x7f) return CAIRN_EINVAL;
  return 0;
}

/* One parameter's decoded value into out (cap bytes); 0, or CAIRN_EINVAL. */
static int take(const char *v, size_t n, char *out, size_t cap) {
  char *d = sigv4_uri_decode(v, n);
  if (!d) return CAIRN_EINVAL;
  size_t l = strlen(d);
  int rc = l && l < cap ? 0 : CAIRN_EINVAL;
  if (!rc) memcpy(out, d, l + 1);
  xfree(d);
  return rc;
}

int sigv2_parse_presigned(const char *q, struct sigv2_auth *out) {
  memset(out, 0, sizeof *out);
  out->expires = -1;
  int seen = 0, rc = 0;
  char exp[24] = "";
  while (q && *q) {
    size_t len = strcspn(q, "&");
    const char *eq = memchr(q, '=', len);
    size_t nl = eq ? (size_t)(eq - q) : len;
    const char *v = eq ? eq + 1 : q + len;
    size_t vl = eq ? len - nl - 1 : 0;
    int bit = 0;
    if (nl == 14 && !memcmp(q, "AWSAccessKeyId", 14)) bit = 1, rc = rc ? rc : take(v, vl, out->access_key, sizeof out->access_key);
    else if (nl == 7 && !memcmp(q, "Expires", 7)) bit = 2, rc = rc ? rc : take(v, vl, exp, sizeof exp);
    else if (nl == 9 && !memcmp(q, "Signature", 9)) bit = 4, rc = rc ? rc : take(v, vl, out->signature, sizeof out->signature);
    if (bit & seen) rc = CAIRN_EINVAL;   /* given twice */
    seen |= bit;
    q += len;
    if (*q == '&') q++;
  }
  if (!seen) return CAIRN_ENOENT;
  if (rc || seen != 7) return CAIRN_EINVAL;
  char *end;
  long long e = strtoll(exp, &end, 10);
  if (*end || e < 0 || exp[0] == '-' || exp[0] == '+') return CAIRN_EINVAL;
  out->expires = e;
  memcpy(out->expires_text, exp, sizeof exp);
  out->presigned = 1;
  return 0;
}

struct qp { const char *name; size_t nl; char *value; };

static int qp_cmp(const void *a, const void *b) {
  const struct qp *x = a, *y = b;
  size_t n = x->nl < y->nl ? x->nl : y->nl;
  int c = memcmp(x->name, y->name, n);
  return c ? c : (x->nl > y->nl) - (x->nl < y->nl);
}

char *sigv2_canonical_resource(const char *bucket_prefix, const char *raw_path, const char *raw_query) {
  sbuf_t b = {0};
  sbuf_adds(&b, bucket_prefix ? bucket_prefix : "");
  sbuf_adds(&b, raw_path && *raw_path ? raw_path : "/");
  size_t cap = 1;
  for (const char *p = raw_query; p && *p; p++) cap += *p == '&';
  struct qp *ps = xcalloc(cap, sizeof *ps);
  size_t n = 0;
  int bad = 0;
  for (const char *q = raw_query; q && *q && n < cap;) {
    size_t len = strcspn(q, "&");
    const char *eq = memchr(q, '=', len);
    size_t nl = eq ? (size_t)(eq - q) : len;
    if (is_subresource(q, nl)) {
      ps[n].name = q;
      ps[n].nl = nl;
      if (eq && !(ps[n].value = sigv4_uri_decode(eq + 1, len - nl - 1))) bad = 1;
      n++;
    }
    q += len;
    if (*q == '&') q++;
  }
  qsort(ps, n, sizeof *ps, qp_cmp);
  for (size_t i = 0; i < n; i++) {
    sbuf_addc(&b, i ? '&' : '?');
    sbuf_add(&b, ps[i].name, ps[i].nl);
    if (ps[i].value) { sbuf_addc(&b, '='); sbuf_adds(&b, ps[i].value); }
    xfree(ps[i].value);
  }
  xfree(ps);
  if (bad) { sbuf_free(&b); return NULL; }
  return sbuf_steal(&b);
}

struct ih { struct sigv2_header h; size_t i; };

static int hdr_cmp(const void *a, const void *b) {   /* by name, then as given: values join in order */
  const struct ih *x = a, *y = b;
  int c = strcasecmp(x->h.name, y->h.name);
  return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* value trimmed, runs of whitespace (unfolded lines) as one space */
static void add_value(sbuf_t *b, const char *v) {
  while (*v == ' ' || *v == '\t') v++;
  size_t start = b->len;
  int space = 0;
  for (; *v; v++) {
    if (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n') { space = 1; continue; }
    if (space && b->len > start) sbuf_addc(b, ' ');
    space = 0;
    sbuf_addc(b, *v);
  }
}

char *sigv2_canonical_amz_headers(const struct sigv2_header *h, size_t n) {
  struct ih *s = xcalloc(n ? n : 1, sizeof *s);
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (!strncasecmp(h[i].name, "x-amz-", 6)) { s[m].h = h[i]; s[m].i = i; m++; }
  qsort(s, m, sizeof *s, hdr_cmp);
  sbuf_t b = {0};
  sbuf_adds(&b, "");
  for (size_t i = 0; i < m; i++) {
    if (i && !strcasecmp(s[i].h.name, s[i - 1].h.name)) {
      sbuf_addc(&b, ',');
    } else {
      if (i) sbuf_addc(&b, '\n');
      for (const char *p = s[i].h.name; *p; p++) sbuf_addc(&b, (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p));
      sbuf_addc(&b, ':');
    }
    add_value(&b, s[i].h.value ? s[i].h.value : "");
  }
  if (m) sbuf_addc(&b, '\n');
  xfree(s);
  return sbuf_steal(&b);
}

char *sigv2_string_to_sign(const char *method, const char *content_md5, const char *content_type,
                           const char *date, const char *amz_headers, const char *resource) {
  sbuf_t b = {0};
  sbuf_printf(&b, "%s\n%s\n%s\n%s\n%s%s", method, content_md5 ? content_md5 : "", content_type ? content_type : "",
              date ? date : "", amz_headers ? amz_headers : "", resource);
  return sbuf_steal(&b);
}

void sigv2_sign(const char *secret, const char *sts, char out[64]) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int ml = 0;
  HMAC(EVP_sha1(), secret, (int)strlen(secret), (const unsigned char *)sts, strlen(sts), mac, &ml);
  char *b64 = base64_encode(mac, ml);
  snprintf(out, 64, "%s", b64 ? b64 : "");
  xfree(b64);
}
