/* sigv4.c - AWS SigV4 canonicalisation and signing (no HTTP, no I/O), with the derived signing
 * keys of recent (secret, date, region, service) kept in a small cache. */
#include "sigv4.h"
#include "hash.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/hex.h"
#include "../util/sbuf.h"
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copies [s, s+n) into dst of size cap; CAIRN_EINVAL when it does not fit or is empty. */
static int copy_field(char *dst, size_t cap, const char *s, size_t n) {
  if (n == 0 || n >= cap) return CAIRN_EINVAL;
  memcpy(dst, s, n);
  dst[n] = 0;
  return 0;
}

int sigv4_parse_credential(const char *cred, struct sigv4_auth *a) {
  /* AK/date/region/service/aws4_request; the access key itself has no '/' */
  const char *p[5];
  size_t len[5];
  const char *s = cred;
  for (int i = 0; i < 5; i++) {
    const char *e = i < 4 ? strchr(s, '/') : s + strlen(s);
    if (!e) return CAIRN_EINVAL;
    p[i] = s;
    len[i] = (size_t)(e - s);
    s = e + 1;
  }
  if (len[4] != 12 || memcmp(p[4], "aws4_request", 12)) return CAIRN_EINVAL;
  if (len[1] != 8) return CAIRN_EINVAL;
  for (int i = 0; i < 8; i++) if (!isdigit((unsigned char)p[1][i])) return CAIRN_EINVAL;
  if (copy_field(a->access_key, sizeof a->access_key, p[0], len[0]) ||
      copy_field(a->date, sizeof a->date, p[1], len[1]) ||
      copy_field(a->region, sizeof a->region, p[2], len[2]) ||
      copy_field(a->service, sizeof a->service, p[3], len[3]))
    return CAIRN_EINVAL;
  return 0;
}

static int valid_signed_headers(const char *s) {
  if (!*s) return 0;
  for (; *s; s++)
    if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-' || *s == ';'))
      return 0;
  return 1;
}

static int valid_signature(const char *s) { return strlen(s) == 64 && hex_is_lower(s, 64); }

int sigv4_parse_authorization(const char *h, struct sigv4_auth *a) {
  memset(a, 0, sizeof *a);
  a->expires = -1;
  size_t al = strlen(SIGV4_ALGORITHM);
  if (strncmp(h, SIGV4_ALGORITHM, al) || h[al] != ' ') return CAIRN_EINVAL;
  const char *s = h + al;
  int have = 0;
  while (*s) {
    while (*s == ' ' || *s == ',') s++;
    if (!*s) break;
    const char *eq = strchr(s, '=');
    if (!eq) return CAIRN_EINVAL;
    const char *end = eq + 1;
    while (*end && *end != ',' && *end != ' ') end++;
    size_t kl = (size_t)(eq - s), vl = (size_t)(end - eq - 1);
    char tmp[1024];
    if (copy_field(tmp, sizeof tmp, eq + 1, vl)) return CAIRN_EINVAL;
    if (kl == 10 && !memcmp(s, "Credential", 10)) {
      if (sigv4_parse_credential(tmp, a)) return CAIRN_EINVAL;
      have |= 1;
    } else if (kl == 13 && !memcmp(s, "SignedHeaders", 13)) {
      if (copy_field(a->signed_headers, sizeof a->signed_headers, tmp, vl)) return CAIRN_EINVAL;
      have |= 2;
    } else if (kl == 9 && !memcmp(s, "Signature", 9)) {
      if (copy_field(a->signature, sizeof a->signature, tmp, vl)) return CAIRN_EINVAL;
      have |= 4;
    } else {
      return CAIRN_EINVAL;
    }
    s = end;
  }
  if (have != 7 || !valid_signed_headers(a->signed_headers) || !valid_signature(a->signature))
    return CAIRN_EINVAL;
  return 0;
}

static int unhex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char *sigv4_uri_decode(const char *s, size_t n) {
  char *out = xmalloc(n + 1);
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '%') {
      if (i + 2 >= n) { xfree(out); return NULL; }
      int h = unhex(s[i + 1]), l = unhex(s[i + 2]);
      if (h < 0 || l < 0) { xfree(out); return NULL; }
      out[o++] = (char)(h << 4 | l);
      i += 2;
    } else {
      out[o++] = s[i];
    }
  }
  out[o] = 0;
  return out;
}

/* SigV4 "UriEncode": unreserved characters stay, everything else is %XX (uppercase). */
static void uri_encode(sbuf_t *b, const char *s, int keep_slash) {
  static const char d[] = "0123456789ABCDEF";
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
      sbuf_addc(b, (char)c);
    } else {
      char e[3] = {'%', d[c >> 4], d[c & 15]};
      sbuf_add(b, e, 3);
    }
  }
}

char *sigv4_canonical_uri(const char *raw_path) {
  char *dec = sigv4_uri_decode(raw_path, strlen(raw_path));
  if (!dec) return NULL;
  sbuf_t b = {0};
  if (!*dec) sbuf_addc(&b, '/');
  uri_encode(&b, dec, 1);
  xfree(dec);
  return sbuf_steal(&b);
}

struct qpair { char *k, *v; };

static int qcmp(const void *a, const void *b) {
  const struct qpair *x = a, *y = b;
  int c = strcmp(x->k, y->k);
  return c ? c : strcmp(x->v, y->v);
}

/* Splits a raw query into decoded-then-re-encoded pairs; returns count or -1 on a bad escape. */
static int split_query(const char *q, struct qpair **out) {
  int n = 0, cap = 0;
  struct qpair *v = NULL;
  while (q && *q) {
    const char *amp = strchr(q, '&');
    size_t len = amp ? (size_t)(amp - q) : strlen(q);
    if (len) {
      const char *eq = memchr(q, '=', len);
      size_t kl = eq ? (size_t)(eq - q) : len;
      char *k = sigv4_uri_decode(q, kl);
      char *val = eq ? sigv4_uri_decode(eq + 1, len - kl - 1) : xstrdup("");
      if (!k || !val) {
        xfree(k); xfree(val);
        for (int i = 0; i < n; i++) { xfree(v[i].k); xfree(v[i].v); }
        xfree(v);
        return -1;
      }
      if (n == cap) { cap = cap ? cap * 2 : 8; v = xrealloc(v, (size_t)cap * sizeof *v); }
      sbuf_t kb = {0}, vb = {0};
      uri_encode(&kb, k, 0);
      uri_encode(&vb, val, 0);
      xfree(k); xfree(val);
      v[n].k = sbuf_steal(&kb);
      v[n].v = sbuf_steal(&vb);
      n++;
    }
    q = amp ? amp + 1 : NULL;
  }
  *out = v;
  return n;
}

char *sigv4_canonical_query(const char *raw_query, int drop_signature) {
  /* A '+' in a query is a space: that is how the server decodes the values it acts on
   * (libmicrohttpd, as HTML forms), so the signature must cover a space too. Signers that meant
   * a plus sign sent %2B (every AWS SDK); form-style signers (aws4fetch's presigned URLs) sent '+'
   * for a space and signed %20. AWS S3 and Ceph RGW read it the same way. */
  sbuf_t plus = {0};
  for (const char *p = raw_query; p && *p; p++) {
    if (*p == '+') sbuf_adds(&plus, "%20");
    else sbuf_addc(&plus, *p);
  }
  struct qpair *v = NULL;
  int n = split_query(plus.s ? plus.s : raw_query, &v);
  sbuf_free(&plus);
  if (n < 0) return NULL;
  if (n > 1) qsort(v, (size_t)n, sizeof *v, qcmp);
  sbuf_t b = {0};
  int first = 1;
  for (int i = 0; i < n; i++) {
    if (!(drop_signature && !strcmp(v[i].k, "X-Amz-Signature"))) {
      if (!first) sbuf_addc(&b, '&');
      sbuf_printf(&b, "%s=%s", v[i].k, v[i].v);
      first = 0;
    }
    xfree(v[i].k);
    xfree(v[i].v);
  }
  xfree(v);
  return sbuf_steal(&b);
}

int sigv4_parse_presigned(const char *raw_query, struct sigv4_auth *a) {
  memset(a, 0, sizeof *a);
  struct qpair *v = NULL;
  int n = split_query(raw_query, &v);
  if (n < 0) return CAIRN_EINVAL;
  int rc = CAIRN_ENOENT, have = 0;
  for (int i = 0; i < n; i++) {
    char *val = sigv4_uri_decode(v[i].v, strlen(v[i].v));   /* undo our re-encoding */
    const char *k = v[i].k;
    if (!strcmp(k, "X-Amz-Algorithm")) {
      have |= 1;
      if (strcmp(val, SIGV4_ALGORITHM)) have |= 64;
    } else if (!strcmp(k, "X-Amz-Credential")) {
      if (!sigv4_parse_credential(val, a)) have |= 2; else have |= 64;
    } else if (!strcmp(k, "X-Amz-Date")) {
      if (!copy_field(a->amz_date, sizeof a->amz_date, val, strlen(val))) have |= 4; else have |= 64;
    } else if (!strcmp(k, "X-Amz-Expires")) {
      char *end;
      long long e = strtoll(val, &end, 10);
      if (*val && !*end && e >= 0) { a->expires = e; have |= 8; } else have |= 64;
    } else if (!strcmp(k, "X-Amz-SignedHeaders")) {
      if (!copy_field(a->signed_headers, sizeof a->signed_headers, val, strlen(val))) have |= 16; else have |= 64;
    } else if (!strcmp(k, "X-Amz-Signature")) {
      if (!copy_field(a->signature, sizeof a->signature, val, strlen(val))) have |= 32; else have |= 64;
    }
    xfree(val);
  }
  for (int i = 0; i < n; i++) { xfree(v[i].k); xfree(v[i].v); }
  xfree(v);
  if (have & 1) {
    rc = (have == 63 && valid_signed_headers(a->signed_headers) && valid_signature(a->signature))
             ? 0 : CAIRN_EINVAL;
  }
  a->presigned = 1;
  return rc;
}

/* Canonical header value: trimmed, inner runs of spaces collapsed to one. */
static void add_header_value(sbuf_t *b, const char *v) {
  while (*v == ' ' || *v == '\t') v++;
  size_t start = b->len;
  int space = 0;
  for (; *v; v++) {
    if (*v == ' ' || *v == '\t') { space = 1; continue; }
    if (space && b->len > start) sbuf_addc(b, ' ');
    space = 0;
    sbuf_addc(b, *v);
  }
}

char *sigv4_canonical_request(const char *method, const char *canon_uri, const char *canon_query,
                              const char *signed_headers, sigv4_header_fn get, void *ctx,
                              const char *payload_hash) {
  sbuf_t b = {0};
  sbuf_printf(&b, "%s\n%s\n%s\n", method, canon_uri, canon_query);
  const char *s = signed_headers;
  while (*s) {
    const char *semi = strchr(s, ';');
    size_t n = semi ? (size_t)(semi - s) : strlen(s);
    char name[128];
    if (n == 0 || n >= sizeof name) { sbuf_free(&b); return NULL; }
    memcpy(name, s, n);
    name[n] = 0;
    const char *v = get(ctx, name);
    if (!v) { sbuf_free(&b); return NULL; }
    sbuf_printf(&b, "%s:", name);
    add_header_value(&b, v);
    sbuf_addc(&b, '\n');
    s = semi ? semi + 1 : s + n;
  }
  sbuf_printf(&b, "\n%s\n%s", signed_headers, payload_hash);
  return sbuf_steal(&b);
}

/* Derived keys change once a day per secret: a request costs one SHA-256 of its scope and secret
 * (the cache's tag: neither is kept) instead of four HMACs. 64 slots, the last use wins a slot. */
#define KEY_SLOTS 64
static struct { uint8_t tag[32], key[32]; int used; } key_cache[KEY_SLOTS];
static pthread_mutex_t key_mu = PTHREAD_MUTEX_INITIALIZER;

static void derive_key(const char *secret, const struct sigv4_auth *a, uint8_t out[32]);

void sigv4_signing_key(const char *secret, const struct sigv4_auth *a, uint8_t out[32]) {
  sbuf_t id = {0};
  sbuf_printf(&id, "%s%c%s%c%s%c%s", secret, 0, a->date, 0, a->region, 0, a->service);
  uint8_t tag[32];
  sha256(id.s, id.len, tag);
  memset(id.s, 0, id.len);
  sbuf_free(&id);
  unsigned slot = tag[0] % KEY_SLOTS;
  pthread_mutex_lock(&key_mu);
  int hit = key_cache[slot].used && !memcmp(key_cache[slot].tag, tag, 32);
  if (hit) memcpy(out, key_cache[slot].key, 32);
  pthread_mutex_unlock(&key_mu);
  if (hit) return;
  derive_key(secret, a, out);
  pthread_mutex_lock(&key_mu);
  memcpy(key_cache[slot].tag, tag, 32);
  memcpy(key_cache[slot].key, out, 32);
  key_cache[slot].used = 1;
  pthread_mutex_unlock(&key_mu);
}

static void derive_key(const char *secret, const struct sigv4_auth *a, uint8_t out[32]) {
  /* SigV4: "Calculate the signature", derived signing key */
  uint8_t k1[32], k2[32];
  sbuf_t key = {0};
  sbuf_printf(&key, "AWS4%s", secret);
  hmac_sha256(key.s, key.len, a->date, strlen(a->date), k1);
  hmac_sha256(k1, 32, a->region, strlen(a->region), k2);
  hmac_sha256(k2, 32, a->service, strlen(a->service), k1);
  hmac_sha256(k1, 32, "aws4_request", 12, out);
  memset(key.s, 0, key.len);
  sbuf_free(&key);
}

void sigv4_scope(const struct sigv4_auth *a, char *out, size_t cap) {
  snprintf(out, cap, "%s/%s/%s/aws4_request", a->date, a->region, a->service);
}

void sigv4_sign(const char *secret, const struct sigv4_auth *a, const char *creq, char out[65]) {
  char hash[65], scope[128];
  sha256_hex(creq, strlen(creq), hash);
  sigv4_scope(a, scope, sizeof scope);
  sbuf_t sts = {0};
  sbuf_printf(&sts, "%s\n%s\n%s\n%s", SIGV4_ALGORITHM, a->amz_date, scope, hash);
  uint8_t key[32], sig[32];
  sigv4_signing_key(secret, a, key);
  hmac_sha256(key, 32, sts.s, sts.len, sig);
  hex_encode(sig, 32, out);
  sbuf_free(&sts);
}

void sigv4_chain_sign(const uint8_t key[32], const char *algorithm, const char *amz_date,
                      const char *scope, const char *prev, const uint8_t hash[32], char out[65]) {
  static const char empty[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  char hx[65];
  hex_encode(hash, 32, hx);
  sbuf_t sts = {0};
  if (!strcmp(algorithm, SIGV4_CHUNK_ALGORITHM))
    sbuf_printf(&sts, "%s\n%s\n%s\n%s\n%s\n%s", algorithm, amz_date, scope, prev, empty, hx);
  else
    sbuf_printf(&sts, "%s\n%s\n%s\n%s\n%s", algorithm, amz_date, scope, prev, hx);
  uint8_t sig[32];
  hmac_sha256(key, 32, sts.s, sts.len, sig);
  hex_encode(sig, 32, out);
  sbuf_free(&sts);
}

static const char *presign_host(void *ctx, const char *name) { return !strcmp(name, "host") ? ctx : NULL; }

char *sigv4_presign(const char *method, const char *base_url, const char *path, const char *access_key,
                    const char *secret, const char *region, int64_t expires_s, time_t now) {
  struct sigv4_auth a = {0};
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(a.amz_date, sizeof a.amz_date, "%Y%m%dT%H%M%SZ", &tm);
  memcpy(a.date, a.amz_date, 8);
  snprintf(a.access_key, sizeof a.access_key, "%s", access_key);
  snprintf(a.region, sizeof a.region, "%s", region);
  snprintf(a.service, sizeof a.service, "s3");
  const char *host = strstr(base_url, "://");
  host = host ? host + 3 : base_url;
  sbuf_t q = {0};
  sbuf_printf(&q, "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=%s%%2F%s%%2F%s%%2Fs3%%2Faws4_request"
              "&X-Amz-Date=%s&X-Amz-Expires=%lld&X-Amz-SignedHeaders=host", access_key, a.date, region,
              a.amz_date, (long long)expires_s);
  char *cq = sigv4_canonical_query(q.s, 1);
  char *creq = sigv4_canonical_request(method, path, cq ? cq : "", "host", presign_host, (void *)host, SIGV4_UNSIGNED);
  char sig[65] = "";
  if (creq) sigv4_sign(secret, &a, creq, sig);
  char *url = xasprintf("%s%s?%s&X-Amz-Signature=%s", base_url, path, q.s, sig);
  xfree(cq);
  xfree(creq);
  sbuf_free(&q);
  return url;
}
