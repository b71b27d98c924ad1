/* volume_s3.c - the S3 volume driver (volume_s3.h). */
#include "volume_s3.h"
#include "s3_list.h"
#include "../crypto/hash.h"
#include "../crypto/sigv4.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/hex.h"
#include "../util/log.h"
#include "../util/sbuf.h"
#include "../util/timeutil.h"
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define POOL 8   /* idle curl handles kept (each keeps its connection) */
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct s3v {
  char *endpoint, *host, *bucket, *prefix, *region, *ak, *sk, *spool, *uuid;
  int path_style, tls_verify, attempts;
  long stall_s;   /* a request moving under 1 KiB/s this long is dropped (and retried) */
  /* The store is down when a request failed all its attempts; until one succeeds, requests fail
   * at once except one probe (one attempt) a second, so clients get their 503 without waiting. */
  _Atomic int64_t down_since_ms, last_probe_ms;
  pthread_mutex_t mu;
  CURL *idle[POOL];
  int nidle;
};

/* ---- requests ---- */

struct rq {
  const char *method, *key, *query;   /* key: full object key (no leading '/'); query: raw, sorted, or "" */
  const char *hdr_name[4], *hdr_value[4];   /* extra signed headers (lowercase names) */
  int body_fd;            /* PUT body: an fd read from 0 (-1: none) */
  uint64_t body_len;
  const char *body_sha;   /* hex SHA-256 of the body */
  int out_fd;             /* GET: the body into this fd (-1: into out) */
  sbuf_t out;
  long status;
  uint64_t length;        /* Content-Length of the answer */
  int64_t mtime_ms;       /* Last-Modified */
};

static CURL *take(struct s3v *v) {
  pthread_mutex_lock(&v->mu);
  CURL *h = v->nidle ? v->idle[--v->nidle] : NULL;
  pthread_mutex_unlock(&v->mu);
  if (h) curl_easy_reset(h);
  else h = curl_easy_init();
  return h;
}

static void give(struct s3v *v, CURL *h) {
  pthread_mutex_lock(&v->mu);
  if (v->nidle < POOL) { v->idle[v->nidle++] = h; h = NULL; }
  pthread_mutex_unlock(&v->mu);
  if (h) curl_easy_cleanup(h);
}

/* URI-encodes a key for the path (every byte but unreserved ones and '/'). */
static void encode_key(sbuf_t *b, const char *k) {
  static const char hx[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)k; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-_.~/", *p)) sbuf_addc(b, (char)*p);
    else { char e[3] = {'%', hx[*p >> 4], hx[*p & 15]}; sbuf_add(b, e, 3); }
  }
}

struct sign_hdrs { const char *host, *sha, *date; const struct rq *q; };
static const char *sign_get(void *ctx, const char *lname) {
  struct sign_hdrs *s = ctx;
  if (!strcmp(lname, "host")) return s->host;
  if (!strcmp(lname, "x-amz-content-sha256")) return s->sha;
  if (!strcmp(lname, "x-amz-date")) return s->date;
  for (int i = 0; i < 4 && s->q->hdr_name[i]; i++) if (!strcmp(lname, s->q->hdr_name[i])) return s->q->hdr_value[i];
  return NULL;
}

static size_t on_body(char *p, size_t sz, size_t n, void *ud) {
  struct rq *q = ud;
  size_t len = sz * n;
  if (q->out_fd >= 0) {
    for (size_t done = 0; done < len;) {
      ssize_t w = write(q->out_fd, p + done, len - done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return 0;   /* aborts the transfer */
      done += (size_t)w;
    }
  } else if (q->out.len + len > (16u << 20)) {
    return 0;   /* listings and errors only: bounded */
  } else {
    sbuf_add(&q->out, p, len);
  }
  return len;
}

struct body_src { int fd; uint64_t off; };
static size_t on_read(char *p, size_t sz, size_t n, void *ud) {
  struct body_src *b = ud;
  ssize_t r = pread(b->fd, p, sz * n, (off_t)b->off);
  if (r < 0) return CURL_READFUNC_ABORT;
  b->off += (uint64_t)r;
  return (size_t)r;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud) {
  struct rq *q = ud;
  size_t len = sz * n;
  if (len > 15 && !strncasecmp(p, "Last-Modified:", 14)) {
    char v[64];
    snprintf(v, sizeof v, "%.*s", (int)(len - 14), p + 14);
    char *s = v; while (*s == ' ') s++;
    s[strcspn(s, "\r\n")] = 0;
    time_t t;
    if (!time_parse_http(s, &t)) q->mtime_ms = (int64_t)t * 1000;
  }
  return len;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* One attempt; 0 with q->status set, or a transport error (retried). */
static int attempt(struct s3v *v, struct rq *q) {
  CURL *h = take(v);
  if (!h) return CAIRN_ENOMEM;
  sbuf_t path = {0}, url = {0};
  sbuf_adds(&path, "/");
  if (v->path_style) { encode_key(&path, v->bucket); sbuf_adds(&path, "/"); }
  encode_key(&path, q->key);
  sbuf_printf(&url, "%s%s%s%s", v->endpoint, path.s, *q->query ? "?" : "", q->query);
  char host[300], amz[17], auth[1400];
  if (v->path_style) snprintf(host, sizeof host, "%s", v->host);
  else snprintf(host, sizeof host, "%s.%s", v->bucket, v->host);
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(amz, sizeof amz, "%Y%m%dT%H%M%SZ", &tm);
  const char *sha = q->body_sha ? q->body_sha : EMPTY_SHA256;
  struct sigv4_auth a = {0};
  snprintf(a.access_key, sizeof a.access_key, "%s", v->ak);
  memcpy(a.date, amz, 8);
  snprintf(a.region, sizeof a.region, "%s", v->region);
  snprintf(a.service, sizeof a.service, "s3");
  memcpy(a.amz_date, amz, 17);
  const char *names[8] = {"host", "x-amz-content-sha256", "x-amz-date"};   /* SignedHeaders: sorted */
  int nn = 3;
  for (int i = 0; i < 4 && q->hdr_name[i]; i++) names[nn++] = q->hdr_name[i];
  qsort(names, (size_t)nn, sizeof names[0], cmp_str);
  sbuf_t sh = {0};
  for (int i = 0; i < nn; i++) sbuf_printf(&sh, "%s%s", i ? ";" : "", names[i]);
  snprintf(a.signed_headers, sizeof a.signed_headers, "%s", sh.s);
  struct sign_hdrs sg = {host, sha, amz, q};
  char *cq = sigv4_canonical_query(q->query, 0);
  char *creq = sigv4_canonical_request(q->method, path.s, cq ? cq : "", a.signed_headers, sign_get, &sg, sha);
  char sig[65] = "", scope[128];
  if (creq) sigv4_sign(v->sk, &a, creq, sig);
  sigv4_scope(&a, scope, sizeof scope);
  snprintf(auth, sizeof auth, "Authorization: %s Credential=%s/%s, SignedHeaders=%s, Signature=%s", SIGV4_ALGORITHM, v->ak, scope,
           a.signed_headers, sig);
  struct curl_slist *hl = NULL;
  char hsha[120], hdate[40], hhost[320], extra[4][1200];
  snprintf(hsha, sizeof hsha, "x-amz-content-sha256: %s", sha);
  snprintf(hdate, sizeof hdate, "x-amz-date: %s", amz);
  snprintf(hhost, sizeof hhost, "Host: %s", host);
  hl = curl_slist_append(hl, auth);
  hl = curl_slist_append(hl, hsha);
  hl = curl_slist_append(hl, hdate);
  hl = curl_slist_append(hl, hhost);
  hl = curl_slist_append(hl, "Expect:");
  for (int i = 0; i < 4 && q->hdr_name[i]; i++) {
    snprintf(extra[i], sizeof extra[i], "%s: %s", q->hdr_name[i], q->hdr_value[i]);
    hl = curl_slist_append(hl, extra[i]);
  }
  struct body_src src = {q->body_fd, 0};
  curl_easy_setopt(h, CURLOPT_URL, url.s);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, q);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, q);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1024L);   /* a stalled transfer is dropped and retried */
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, v->stall_s);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, v->tls_verify ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, v->tls_verify ? 2L : 0L);
  if (!strcmp(q->method, "PUT")) {
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(h, CURLOPT_READDATA, &src);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)(q->body_fd >= 0 ? q->body_len : 0));
  } else if (!strcmp(q->method, "HEAD")) {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (strcmp(q->method, "GET")) {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, q->method);
  }
  if (q->out_fd >= 0 && (ftruncate(q->out_fd, 0) || lseek(q->out_fd, 0, SEEK_SET) < 0)) q->status = 0;
  sbuf_free(&q->out);
  q->mtime_ms = 0;
  CURLcode cc = creq ? curl_easy_perform(h) : CURLE_FAILED_INIT;
  long status = 0;
  curl_off_t cl = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo(h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
  q->status = status;
  q->length = cl > 0 ? (uint64_t)cl : 0;
  curl_slist_free_all(hl);
  xfree(creq);
  xfree(cq);
  sbuf_free(&sh);
  sbuf_free(&path);
  sbuf_free(&url);
  if (cc == CURLE_OK) give(v, h);
  else curl_easy_cleanup(h);   /* a broken connection is not kept */
  if (cc != CURLE_OK) LOGD("s3 volume %s %s: %s", q->method, q->key, curl_easy_strerror(cc));
  return cc == CURLE_OK ? 0 : CAIRN_EIO;
}

static int retryable(const struct rq *q, int rc) { return rc || q->status >= 500 || q->status == 429; }

/* The request with retries (exponential backoff with jitter); 0 with q->status, or CAIRN_EUNAVAIL. */
static int request(struct s3v *v, struct rq *q) {
  int rc = 0, attempts = v->attempts;
  if (atomic_load(&v->down_since_ms)) {
    int64_t now = time_now_ms(), last = atomic_load(&v->last_probe_ms);
    if (now - last < 1000 || !atomic_compare_exchange_strong(&v->last_probe_ms, &last, now)) return CAIRN_EUNAVAIL;
    attempts = 1;   /* this request is the probe */
  }
  for (int i = 0; i < attempts; i++) {
    if (i) {
      unsigned ms = (100u << (i - 1)) + (unsigned)rand() % 100u;
      usleep(ms * 1000);
    }
    rc = attempt(v, q);
    if (!retryable(q, rc)) {
      if (atomic_exchange(&v->down_since_ms, 0)) LOGI("s3 volume %s/%s: reachable again", v->host, v->bucket);
      return 0;
    }
  }
  int64_t zero = 0;
  if (atomic_compare_exchange_strong(&v->down_since_ms, &zero, time_now_ms()))
    LOGW("s3 volume %s/%s: unreachable; requests fail at once (503) until a probe succeeds", v->host, v->bucket);
  atomic_store(&v->last_probe_ms, time_now_ms());
  LOGW("s3 volume: %s %s failed after %d attempts (HTTP %ld)", q->method, q->key, v->attempts, q->status);
  return CAIRN_EUNAVAIL;   /* the store is down, refusing or overloaded: the client may retry */
}

static char *key_of(struct s3v *v, const char *area, const char *name) { return xasprintf("%s%s/%s", v->prefix, area, name); }

static int simple(struct s3v *v, const char *method, const char *key, const char *copy_src, const char *directive, long *status) {
  struct rq q = {method, key, "", {NULL}, {NULL}, -1, 0, NULL, -1, {0}, 0, 0, 0};
  char src[1200];
  if (copy_src) {
    sbuf_t e = {0};
    sbuf_printf(&e, "/%s/", v->bucket);
    encode_key(&e, copy_src);
    snprintf(src, sizeof src, "%s", e.s);
    sbuf_free(&e);
    int i = 0;
    if (directive) { q.hdr_name[i] = "x-amz-metadata-directive"; q.hdr_value[i++] = directive; }
    q.hdr_name[i] = "x-amz-copy-source";
    q.hdr_value[i] = src;
  }
  int rc = request(v, &q);
  sbuf_free(&q.out);
  *status = q.status;
  return rc;
}

/* ---- writes: spooled, then PUT with the signed hash ---- */

struct s3w { struct s3v *v; int fd; uint64_t n; hash_ctx_t *h; char id[65]; };

static int spool_fd(struct s3v *v) {
  int fd = open(v->spool, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {   /* no O_TMPFILE there */
    char *t = xasprintf("%s/s3spool-XXXXXX", v->spool);
    fd = mkstemp(t);
    if (fd >= 0) unlink(t);
    xfree(t);
  }
  return fd;
}

static int w_open(void *impl, const char *id, void **out) {
  struct s3v *v = impl;
  int fd = spool_fd(v);
  if (fd < 0) return cairn_from_errno(errno);
  struct s3w *w = xcalloc(1, sizeof *w);
  w->v = v;
  w->fd = fd;
  w->h = hash_new(HASH_SHA256);
  if (id) snprintf(w->id, sizeof w->id, "%s", id);
  *out = w;
  return 0;
}

static int w_write(void *wp, const void *buf, size_t n) {
  struct s3w *w = wp;
  const char *p = buf;
  for (size_t done = 0; done < n;) {
    ssize_t k = write(w->fd, p + done, n - done);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) return cairn_from_errno(errno);
    done += (size_t)k;
  }
  hash_update(w->h, buf, n);
  w->n += n;
  return 0;
}

static void w_free(struct s3w *w) {
  close(w->fd);
  hash_free(w->h);
  xfree(w);
}

static int w_commit(void *wp, const char *id) {
  struct s3w *w = wp;
  uint8_t d[32];
  char sha[65];
  hash_final(w->h, d);
  hex_encode(d, 32, sha);
  if (!id) id = w->id;
  char *key = key_of(w->v, "blocks", id);
  struct rq q = {"PUT", key, "", {NULL}, {NULL}, w->fd, w->n, sha, -1, {0}, 0, 0, 0};
  int rc = request(w->v, &q);
  if (!rc && q.status != 200) rc = q.status == 403 ? CAIRN_EAUTH : CAIRN_EIO;
  if (rc) LOGW("s3 volume: PUT %s: HTTP %ld", key, q.status);
  sbuf_free(&q.out);
  xfree(key);
  w_free(w);
  return rc;
}

static void w_abort(void *wp) { w_free(wp); }

/* ---- reads: GET into a temp file ---- */

struct s3r { int fd; uint64_t size; };

static int r_open(void *impl, const char *id, void **out, uint64_t *size) {
  struct s3v *v = impl;
  int fd = spool_fd(v);
  if (fd < 0) return cairn_from_errno(errno);
  char *key = key_of(v, "blocks", id);
  struct rq q = {"GET", key, "", {NULL}, {NULL}, -1, 0, NULL, fd, {0}, 0, 0, 0};
  int rc = request(v, &q);
  xfree(key);
  if (!rc && q.status == 404) rc = CAIRN_ENOENT;
  else if (!rc && q.status != 200) rc = CAIRN_EIO;
  struct stat st;
  if (!rc && fstat(fd, &st)) rc = CAIRN_EIO;
  if (rc) { close(fd); return rc; }
  struct s3r *r = xcalloc(1, sizeof *r);
  r->fd = fd;
  r->size = (uint64_t)st.st_size;
  *out = r;
  *size = r->size;
  return 0;
}

static ssize_t r_read(void *rp, void *buf, size_t n, uint64_t off) {
  struct s3r *r = rp;
  ssize_t k = pread(r->fd, buf, n, (off_t)off);
  return k < 0 ? cairn_from_errno(errno) : k;
}

static int r_fd(void *rp) { return ((struct s3r *)rp)->fd; }
static void r_close(void *rp) { struct s3r *r = rp; close(r->fd); xfree(r); }

/* ---- metadata ---- */

static int v_stat(void *impl, const char *id, uint64_t *size, int64_t *mtime_ms) {
  struct s3v *v = impl;
  char *key = key_of(v, "blocks", id);
  struct rq q = {"HEAD", key, "", {NULL}, {NULL}, -1, 0, NULL, -1, {0}, 0, 0, 0};
  int rc = request(v, &q);
  xfree(key);
  if (!rc && q.status == 404) return CAIRN_ENOENT;
  if (!rc && q.status != 200) return CAIRN_EIO;
  if (!rc) { if (size) *size = q.length; if (mtime_ms) *mtime_ms = q.mtime_ms; }
  return rc;
}

static int v_touch(void *impl, const char *id) {   /* a copy onto itself renews Last-Modified (gc grace) */
  struct s3v *v = impl;
  char *key = key_of(v, "blocks", id);
  long st = 0;
  int rc = simple(v, "PUT", key, key, "REPLACE", &st);
  xfree(key);
  return rc ? rc : st == 200 ? 0 : st == 404 ? CAIRN_ENOENT : CAIRN_EIO;
}

static void query_escape(sbuf_t *b, const char *s) {
  static const char hx[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-_.~", *p)) sbuf_addc(b, (char)*p);
    else { char e[3] = {'%', hx[*p >> 4], hx[*p & 15]}; sbuf_add(b, e, 3); }
  }
}

static int list_area(struct s3v *v, const char *area, const char *sub, vol_list_cb cb, void *ctx) {
  char *pfx = xasprintf("%s%s/%s", v->prefix, area, sub ? sub : ""), *strip = xasprintf("%s%s/", v->prefix, area);
  struct s3_list l = {strip, !strcmp(area, "trash"), cb, ctx, 0, 0, "", "", 0, 0};
  int rc = 0;
  do {
    sbuf_t qs = {0};
    if (*l.token) { sbuf_adds(&qs, "continuation-token="); query_escape(&qs, l.token); sbuf_adds(&qs, "&"); }
    sbuf_adds(&qs, "list-type=2&prefix=");
    query_escape(&qs, pfx);
    struct rq q = {"GET", "", qs.s, {NULL}, {NULL}, -1, 0, NULL, -1, {0}, 0, 0, 0};
    rc = request(v, &q);
    if (!rc && q.status != 200) rc = CAIRN_EIO;
    if (!rc && s3_list_parse(q.out.s ? q.out.s : "", q.out.len, &l)) rc = CAIRN_EIO;
    sbuf_free(&q.out);
    sbuf_free(&qs);
  } while (!rc && l.truncated && *l.token && !l.stopped);
  xfree(pfx);
  xfree(strip);
  return rc;
}

static int v_list(void *impl, const char *prefix, vol_list_cb cb, void *ctx) { return list_area(impl, "blocks", prefix, cb, ctx); }

/* Moves key src to dst (copy, then delete). */
static int move(struct s3v *v, const char *src, const char *dst) {
  long st = 0;
  int rc = simple(v, "PUT", dst, src, NULL, &st);
  if (!rc && st == 404) return CAIRN_ENOENT;
  if (!rc && st != 200) return CAIRN_EIO;
  if (!rc) rc = simple(v, "DELETE", src, NULL, NULL, &st);
  return rc || (st != 204 && st != 200) ? CAIRN_EIO : 0;
}

static int v_trash(void *impl, const char *id, int64_t deadline_s) {
  struct s3v *v = impl;
  char name[100];
  snprintf(name, sizeof name, "%s.%lld", id, (long long)deadline_s);
  char *src = key_of(v, "blocks", id), *dst = key_of(v, "trash", name);
  int rc = move(v, src, dst);
  xfree(src);
  xfree(dst);
  return rc;
}

struct found { char name[100]; int n; };
static int first_trash(void *ctx, const struct vol_entry *e) {
  struct found *f = ctx;
  snprintf(f->name, sizeof f->name, "%s.%lld", e->id, (long long)e->mtime);   /* a trash entry's mtime is its deadline */
  f->n++;
  return 1;
}

static int v_untrash(void *impl, const char *id) {
  struct s3v *v = impl;
  char sub[80];
  snprintf(sub, sizeof sub, "%s.", id);
  struct found f = {"", 0};
  int rc = list_area(v, "trash", sub, first_trash, &f);
  if (rc) return rc;
  if (!f.n) return CAIRN_ENOENT;
  char *src = key_of(v, "trash", f.name), *dst = key_of(v, "blocks", id);
  rc = move(v, src, dst);
  xfree(src);
  xfree(dst);
  return rc;
}

struct expired { struct s3v *v; int64_t now; int deleted; };
static int drop_expired(void *ctx, const struct vol_entry *e) {
  struct expired *x = ctx;
  if (e->mtime > x->now) return 0;   /* a trash entry's mtime is its deadline */
  char name[100];
  snprintf(name, sizeof name, "%s.%lld", e->id, (long long)e->mtime);
  char *key = key_of(x->v, "trash", name);
  long st = 0;
  if (!simple(x->v, "DELETE", key, NULL, NULL, &st) && (st == 204 || st == 200)) x->deleted++;
  xfree(key);
  return 0;
}

static int v_empty_trash(void *impl, int64_t now_s, int *deleted) {
  struct expired x = {impl, now_s, 0};
  int rc = list_area(impl, "trash", NULL, drop_expired, &x);
  *deleted = x.deleted;
  return rc;
}

static int v_quarantine(void *impl, const char *id) {
  struct s3v *v = impl;
  char *src = key_of(v, "blocks", id), *dst = key_of(v, "quarantine", id);
  int rc = move(v, src, dst);
  xfree(src);
  xfree(dst);
  return rc;
}

static int v_usage(void *impl, uint64_t *used, uint64_t *avail) {
  (void)impl;
  *used = 0;
  *avail = UINT64_MAX / 4;   /* an object store does not say; free-space checks leave it alone */
  return 0;
}

static const char *v_uuid(void *impl) { return ((struct s3v *)impl)->uuid; }

static void v_close(void *impl) {
  struct s3v *v = impl;
  for (int i = 0; i < v->nidle; i++) curl_easy_cleanup(v->idle[i]);
  pthread_mutex_destroy(&v->mu);
  xfree(v->endpoint); xfree(v->host); xfree(v->bucket); xfree(v->prefix); xfree(v->region);
  xfree(v->ak); xfree(v->sk); xfree(v->spool); xfree(v->uuid);
  xfree(v);
}

/* A presigned GET of the block (direct reads: the bytes go from the store to the client). */
static int v_url(void *impl, const char *id, int64_t expires_s, char **out) {
  struct s3v *v = impl;
  char *key = key_of(v, "blocks", id);
  sbuf_t path = {0}, base = {0};
  sbuf_adds(&path, "/");
  if (v->path_style) { encode_key(&path, v->bucket); sbuf_adds(&path, "/"); }
  encode_key(&path, key);
  if (v->path_style) sbuf_adds(&base, v->endpoint);
  else {   /* https://BUCKET.host */
    const char *h = strstr(v->endpoint, "://");
    sbuf_printf(&base, "%.*s%s.%s", h ? (int)(h + 3 - v->endpoint) : 0, v->endpoint, v->bucket, v->host);
  }
  *out = sigv4_presign("GET", base.s, path.s, v->ak, v->sk, v->region, expires_s, time(NULL));
  sbuf_free(&path);
  sbuf_free(&base);
  xfree(key);
  return 0;
}

/* Down, and no probe due: a request now would fail at once. */
static int v_down(void *impl) {
  struct s3v *v = impl;
  return atomic_load(&v->down_since_ms) && time_now_ms() - atomic_load(&v->last_probe_ms) < 1000;
}

static const struct vol_driver s3_driver = {
  "s3", w_open, w_write, w_commit, w_abort, r_open, r_read, r_fd, r_close, v_stat, v_touch, v_list,
  v_trash, v_untrash, v_empty_trash, v_quarantine, v_usage, v_uuid, v_close, v_url, 1, v_down,
};

int vol_open_s3(const char *url, const struct vol_opts *o, const struct vol_s3_opts *s3, vol_t **out) {
  if (strncmp(url, "s3://", 5) || !s3->endpoint || !*s3->endpoint || !s3->access_key || !*s3->access_key ||
      !s3->secret_key || !*s3->secret_key)
    return CAIRN_EINVAL;
  const char *b = url + 5, *slash = strchr(b, '/');
  size_t bl = slash ? (size_t)(slash - b) : strlen(b);
  const char *ep = s3->endpoint, *hs = strstr(ep, "://");
  if (!bl || bl > 63 || !hs) return CAIRN_EINVAL;
  struct s3v *v = xcalloc(1, sizeof *v);
  v->endpoint = xstrdup(ep);
  size_t el = strlen(v->endpoint);
  if (el && v->endpoint[el - 1] == '/') v->endpoint[el - 1] = 0;
  v->host = xstrdup(hs + 3);
  v->host[strcspn(v->host, "/")] = 0;
  v->bucket = xstrndup(b, bl);
  const char *p = slash ? slash + 1 : "";
  v->prefix = *p ? xasprintf("%s%s", p, p[strlen(p) - 1] == '/' ? "" : "/") : xstrdup("");
  v->region = xstrdup(s3->region && *s3->region ? s3->region : "us-east-1");
  v->ak = xstrdup(s3->access_key);
  v->sk = xstrdup(s3->secret_key);
  v->spool = xstrdup(s3->spool_dir && *s3->spool_dir ? s3->spool_dir : "/tmp");
  v->uuid = xasprintf("s3:%s/%s/%s", v->host, v->bucket, v->prefix);
  v->path_style = s3->path_style;
  v->tls_verify = s3->tls_verify;
  v->attempts = s3->max_attempts > 0 ? s3->max_attempts : 4;
  v->stall_s = s3->stall_s > 0 ? s3->stall_s : 10;
  pthread_mutex_init(&v->mu, NULL);
  mkdir(v->spool, 0700);
  long st = 0;   /* the bucket must answer: a wrong endpoint or key fails at start, not at the first write */
  struct rq q = {"HEAD", "", "", {NULL}, {NULL}, -1, 0, NULL, -1, {0}, 0, 0, 0};
  int rc = request(v, &q);
  st = q.status;
  sbuf_free(&q.out);
  if (!rc && st != 200) {
    LOGE("s3 volume %s: HEAD of the bucket answered HTTP %ld", url, st);
    rc = st == 403 ? CAIRN_EAUTH : CAIRN_ENOENT;
  }
  if (rc) { v_close(v); return rc; }
  *out = vol_wrap(&s3_driver, v, url, o);
  return 0;
}
