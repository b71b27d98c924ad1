/* loadgen.c - a small HTTP load generator for `make bench` (libcurl multi interface).
 *   loadgen put TEMPLATE SIZE COUNT CONC [AK:SK]     PUT COUNT distinct random blocks of SIZE
 *                                                    bytes; writes their ids to stdout
 *   loadgen get TEMPLATE IDFILE COUNT CONC [AK:SK]   GET ids from IDFILE round robin
 *   loadgen head TEMPLATE IDFILE COUNT CONC [AK:SK]  the same with HEAD
 * TEMPLATE contains {id} (the sha256) and optionally {p} (its first two hex digits), e.g.
 * http://127.0.0.1:9000/v1/blocks/{id} or http://127.0.0.1:8080/blocks/{p}/{id}.
 * With AK:SK requests are SigV4-signed (CURLOPT_AWS_SIGV4) with x-amz-content-sha256.
 * SIGINT or SIGTERM: no new requests, the running ones finish, the summary is printed (a load
 * that runs for as long as something else takes).
 * Prints one summary line on stderr: ops, seconds, ops/s, MB/s, p50, p99 and max latency (ms).
 * PUT bodies are never held in memory: body i is a counter-based pseudo-random stream (a 64-bit
 * mix of a per-run seed, i and the word's position), generated once to hash it and again while it
 * is sent, so 16 connections of 1 GiB each cost no more memory than one of 4 KiB. */
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t stopping;
static void on_signal(int sig) { (void)sig; stopping = 1; }

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static char *expand(const char *tpl, const char *id) {
  static char out[1024];
  size_t o = 0;
  for (const char *p = tpl; *p && o < sizeof out - 70;) {
    if (!strncmp(p, "{id}", 4)) { memcpy(out + o, id, 64); o += 64; p += 4; }
    else if (!strncmp(p, "{p}", 3)) { memcpy(out + o, id, 2); o += 2; p += 3; }
    else out[o++] = *p++;
  }
  out[o] = 0;
  return out;
}

struct job { CURL *h; struct curl_slist *hdrs; double t0; size_t idx; size_t rx; uint64_t off, size; };

static uint64_t seed;
static uint64_t mix64(uint64_t z) {   /* splitmix64's finalizer */
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
/* Bytes [off, off + n) of body i. */
static void body_fill(size_t i, uint64_t off, unsigned char *out, size_t n) {
  uint64_t base = mix64(seed ^ ((uint64_t)i * 0x9e3779b97f4a7c15ULL));
  for (size_t k = 0; k < n;) {
    uint64_t w = mix64(base + (off + k) / 8), at = (off + k) % 8;
    for (; at < 8 && k < n; at++, k++) out[k] = (unsigned char)(w >> (8 * at));
  }
}
static size_t body_read(char *p, size_t sz, size_t n, void *ud) {
  struct job *jb = ud;
  size_t want = sz * n;
  if (want > jb->size - jb->off) want = (size_t)(jb->size - jb->off);
  body_fill(jb->idx, jb->off, (unsigned char *)p, want);
  jb->off += want;
  return want;
}
static size_t sink(char *p, size_t s, size_t n, void *ud) { (void)p; ((struct job *)ud)->rx += s * n; return s * n; }
static int cmpd(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return x < y ? -1 : x > y; }

int main(int argc, char **argv) {
  if (argc < 6) { fprintf(stderr, "usage: see the comment at the top of loadgen.c\n"); return 2; }
  int put = !strcmp(argv[1], "put"), head = !strcmp(argv[1], "head");
  const char *tpl = argv[2];
  size_t count = strtoull(argv[4], NULL, 10), conc = strtoull(argv[5], NULL, 10);
  const char *cred = argc > 6 ? argv[6] : NULL;
  size_t size = 0, nids = 0;
  char (*ids)[65] = NULL;
  if (put) {
    size = strtoull(argv[3], NULL, 10);
    ids = calloc(count, 65);
    RAND_bytes((unsigned char *)&seed, sizeof seed);
    enum { CH = 1 << 20 };
    unsigned char *chunk = malloc(CH);
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    for (size_t i = 0; i < count; i++) {   /* the ids: each body's SHA-256, streamed */
      EVP_DigestInit_ex(c, EVP_sha256(), NULL);
      for (uint64_t off = 0; off < size; off += CH) {
        size_t n = size - off < CH ? (size_t)(size - off) : CH;
        body_fill(i, off, chunk, n);
        EVP_DigestUpdate(c, chunk, n);
      }
      unsigned char d[32];
      unsigned int dl;
      EVP_DigestFinal_ex(c, d, &dl);
      for (int k = 0; k < 32; k++) sprintf(ids[i] + 2 * k, "%02x", d[k]);
    }
    EVP_MD_CTX_free(c);
    free(chunk);
    nids = count;
  } else {
    FILE *f = fopen(argv[3], "r");
    if (!f) { perror(argv[3]); return 1; }
    char line[256];
    while (fgets(line, sizeof line, f)) {
      if (strlen(line) < 64) continue;
      ids = realloc(ids, (nids + 1) * 65);
      memcpy(ids[nids], line, 64);
      ids[nids++][64] = 0;
    }
    fclose(f);
    if (!nids) { fprintf(stderr, "no ids in %s\n", argv[3]); return 1; }
  }
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURLM *m = curl_multi_init();
  curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)conc);
  struct job *jobs = calloc(conc, sizeof *jobs);
  double *lat = calloc(count, sizeof *lat);
  size_t started = 0, done = 0, errors = 0, bytes = 0;
  double t0 = now();
  for (size_t j = 0; j < conc; j++) jobs[j].h = curl_easy_init();
  size_t running_jobs = 0;
  for (;;) {
    for (size_t j = 0; j < conc && started < count && !stopping; j++) {
      struct job *jb = &jobs[j];
      if (jb->t0) continue;
      size_t i = started++;
      const char *id = ids[i % nids];
      CURL *h = jb->h;
      curl_easy_setopt(h, CURLOPT_URL, expand(tpl, id));
      curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
      curl_easy_setopt(h, CURLOPT_WRITEDATA, jb);
      curl_easy_setopt(h, CURLOPT_PRIVATE, jb);
      curl_slist_free_all(jb->hdrs);
      jb->hdrs = NULL;   /* no "Expect:" override: curl would sign it without sending it */
      if (cred) {
        char hh[128];
        snprintf(hh, sizeof hh, "x-amz-content-sha256: %s", put ? id : "UNSIGNED-PAYLOAD");
        jb->hdrs = curl_slist_append(jb->hdrs, hh);
        curl_easy_setopt(h, CURLOPT_AWS_SIGV4, "aws:amz:us-east-1:s3");
        curl_easy_setopt(h, CURLOPT_USERPWD, cred);
      }
      curl_easy_setopt(h, CURLOPT_HTTPHEADER, jb->hdrs);
      if (head) curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
      if (put) {
        jb->off = 0;
        jb->size = size;
        curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(h, CURLOPT_READFUNCTION, body_read);
        curl_easy_setopt(h, CURLOPT_READDATA, jb);
        curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)size);
      }
      jb->idx = i;   /* (also the body body_read streams) */
      jb->rx = 0;
      jb->t0 = now();
      curl_multi_add_handle(m, h);
      running_jobs++;
    }
    if (!running_jobs) break;
    int still;
    curl_multi_perform(m, &still);
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(m, &left))) {
      if (msg->msg != CURLMSG_DONE) continue;
      struct job *jb;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&jb);
      long code = 0;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &code);
      if (msg->data.result != CURLE_OK || code / 100 != 2) {
        if (errors++ < 3) fprintf(stderr, "request failed: curl %d, HTTP %ld\n", msg->data.result, code);
      }
      lat[done++] = now() - jb->t0;
      bytes += put ? size : jb->rx;
      if (put && code / 100 == 2) printf("%s\n", ids[jb->idx]);
      curl_multi_remove_handle(m, msg->easy_handle);
      jb->t0 = 0;
      running_jobs--;
    }
    if (running_jobs) curl_multi_poll(m, NULL, 0, 100, NULL);
  }
  double secs = now() - t0;
  qsort(lat, done, sizeof *lat, cmpd);
  fprintf(stderr, "ops=%zu errors=%zu secs=%.3f ops_per_s=%.1f MBps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
          done, errors, secs, (double)done / secs, (double)bytes / secs / 1e6,
          done ? lat[done / 2] * 1e3 : 0, done ? lat[(size_t)((double)done * 0.99)] * 1e3 : 0,
          done ? lat[done - 1] * 1e3 : 0);
  return errors ? 1 : 0;
}
