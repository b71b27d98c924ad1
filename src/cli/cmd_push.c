/* cmd_push.c - `cairn push NAME[:TAG[,TAG...]] PATH`: chunk a directory or archive with FastCDC,
 * ask the gateway which blocks it lacks, upload only those (parallel, with retries and backoff),
 * commit the manifest as a dataset version and point the tags at it. A re-run after an
 * interruption uploads only what is still missing. */
#include "cli.h"
#include "progress.h"
#include "../chunk/fastcdc.h"
#include "../client/tree.h"
#include "../crypto/hash.h"
#include "../dataset/dsmanifest.h"
#include "../service/datasets.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/hex.h"
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MISSING_BATCH 5000
#define MAX_JOBS 16

/* ---- chunking a stream ---- */

typedef int (*chunk_fn)(void *ctx, const char *data, size_t n, const char id[65]);

static int fixed_chunks;   /* --chunking fixed: CDC_DEFAULT_MAX-byte blocks (for comparisons) */

/* FastCDC cut points, or fixed-size blocks with --chunking fixed. */
static size_t next_cut(cdc_t *c, const uint8_t *d, size_t n, size_t have, int *cut) {
  if (!fixed_chunks) return cdc_scan(c, d, n, cut);
  size_t room = CDC_DEFAULT_MAX - have;
  *cut = n >= room;
  return n < room ? n : room;
}

static int chunk_stream(tree_read_fn read, void *rctx, char *cbuf, chunk_fn fn, void *ctx) {
  static const struct cdc_params p = {CDC_DEFAULT_MIN, CDC_DEFAULT_AVG, CDC_DEFAULT_MAX};
  cdc_t c;
  cdc_init(&c, &p);
  char in[1 << 16];
  size_t have = 0;
  for (;;) {
    long n = read(rctx, in, sizeof in);
    if (n < 0) return CAIRN_EIO;
    if (n == 0) break;
    for (size_t off = 0; off < (size_t)n;) {
      int cut;
      size_t k = next_cut(&c, (const uint8_t *)in + off, (size_t)n - off, have, &cut);
      memcpy(cbuf + have, in + off, k);
      have += k;
      off += k;
      if (cut) {
        char id[65];
        sha256_hex(cbuf, have, id);
        int rc = fn(ctx, cbuf, have, id);
        if (rc) return rc;
        have = 0;
      }
    }
  }
  if (have) {
    char id[65];
    sha256_hex(cbuf, have, id);
    return fn(ctx, cbuf, have, id);
  }
  return 0;
}

/* ---- the set of blocks (sorted binary ids) ---- */

struct rec { uint8_t id[32]; uint64_t size; };
struct idset { struct rec *v; unsigned char *flag; size_t n, cap; };

static void idset_add(struct idset *s, const char *id, uint64_t size) {
  if (s->n == s->cap) { s->cap = s->cap ? s->cap * 2 : 1024; s->v = xrealloc(s->v, s->cap * sizeof *s->v); }
  hex_decode(id, 64, s->v[s->n].id);
  s->v[s->n++].size = size;
}

static int cmp32(const void *a, const void *b) { return memcmp(a, b, 32); }

static void idset_seal(struct idset *s) {   /* sort, drop duplicates */
  if (s->n) qsort(s->v, s->n, sizeof *s->v, cmp32);
  size_t k = 0;
  for (size_t i = 0; i < s->n; i++) if (!k || memcmp(s->v[k - 1].id, s->v[i].id, 32)) s->v[k++] = s->v[i];
  s->n = k;
  s->flag = xcalloc(s->n + 1, 1);
}

static long idset_find(const struct idset *s, const char *id) {
  struct rec key;
  hex_decode(id, 64, key.id);
  struct rec *hit = s->n ? bsearch(&key, s->v, s->n, sizeof *s->v, cmp32) : NULL;
  return hit ? hit - s->v : -1;
}

static void idset_free(struct idset *s) { xfree(s->v); xfree(s->flag); memset(s, 0, sizeof *s); }

/* ---- upload workers ---- */

struct job { char id[65]; char *data; size_t n; };

struct uploader {
  pthread_mutex_t mu;
  pthread_cond_t cv_job, cv_free;
  struct job q[MAX_JOBS];
  int head, count, cap, stop;
  char *free_bufs[MAX_JOBS * 2];
  int nfree;
  atomic_ullong bytes, blocks;
  int failed;
  char error[600];
};

static void put_block(struct uploader *u, struct client *c, struct job *j) {
  char path[160];
  snprintf(path, sizeof path, "/v1/blocks/%s+%zu", j->id, j->n);
  char msg[600] = "";
  for (int attempt = 0; attempt < 6; attempt++) {
    if (attempt) usleep((useconds_t)(200000u << (attempt - 1)));   /* 0.2 s, 0.4 s, ... 3.2 s */
    struct client_resp resp;
    int rc = client_do(c, "PUT", path, j->data, j->n, j->id, 4096, &resp);
    long st = resp.status;
    if (!rc && st / 100 == 2) { client_resp_free(&resp); atomic_fetch_add(&u->bytes, j->n); atomic_fetch_add(&u->blocks, 1); return; }
    if (rc) snprintf(msg, sizeof msg, "%s", resp.error);
    else client_error_text(&resp, msg, sizeof msg);
    client_resp_free(&resp);
    if (!rc && st != 503 && st < 500 && st != 429) break;   /* not worth retrying */
  }
  pthread_mutex_lock(&u->mu);
  if (!u->failed) snprintf(u->error, sizeof u->error, "uploading block %.16s...: %s", j->id, msg);
  u->failed = 1;
  pthread_mutex_unlock(&u->mu);
}

static void *upload_main(void *arg) {
  struct uploader *u = arg;
  struct client c;
  client_init(&c);
  client_keep(&c);
  for (;;) {
    pthread_mutex_lock(&u->mu);
    while (!u->count && !u->stop) pthread_cond_wait(&u->cv_job, &u->mu);
    if (!u->count) { pthread_mutex_unlock(&u->mu); break; }
    struct job j = u->q[u->head];
    u->head = (u->head + 1) % MAX_JOBS;
    u->count--;
    pthread_cond_broadcast(&u->cv_free);
    int failed = u->failed;
    pthread_mutex_unlock(&u->mu);
    if (!failed) put_block(u, &c, &j);
    pthread_mutex_lock(&u->mu);
    u->free_bufs[u->nfree++] = j.data;
    pthread_cond_broadcast(&u->cv_free);
    pthread_mutex_unlock(&u->mu);
  }
  client_close(&c);
  return NULL;
}

/* Copies a chunk into a free buffer and queues it; waits while every buffer is in use. */
static int enqueue(struct uploader *u, const char *data, size_t n, const char *id) {
  pthread_mutex_lock(&u->mu);
  while ((!u->nfree || u->count == u->cap) && !u->failed) pthread_cond_wait(&u->cv_free, &u->mu);
  if (u->failed) { pthread_mutex_unlock(&u->mu); return CAIRN_EIO; }
  char *buf = u->free_bufs[--u->nfree];
  pthread_mutex_unlock(&u->mu);
  memcpy(buf, data, n);
  pthread_mutex_lock(&u->mu);
  struct job *j = &u->q[(u->head + u->count) % MAX_JOBS];
  snprintf(j->id, sizeof j->id, "%s", id);
  j->data = buf;
  j->n = n;
  u->count++;
  pthread_cond_signal(&u->cv_job);
  pthread_mutex_unlock(&u->mu);
  return 0;
}

/* ---- the two passes ---- */

struct push {
  struct ds_manifest m;
  struct idset all, missing;
  struct ds_entry *cur;
  char *cbuf;
  uint64_t bytes, files;
  struct uploader *u;
  struct progress *prog;
};

static int add_block(void *ctx, const char *data, size_t n, const char id[65]) {
  (void)data;
  struct push *p = ctx;
  manifest_add(&p->cur->blocks, id, n);
  idset_add(&p->all, id, n);
  return 0;
}

static int scan_item(void *ctx, const struct tree_item *it, tree_read_fn read, void *rctx) {
  struct push *p = ctx;
  struct ds_entry *e = dsm_add(&p->m, it->path, it->type);
  e->mode = it->mode;
  e->mtime = it->mtime;
  if (it->target) e->target = xstrdup(it->target);
  if (it->type != DS_FILE) return 0;
  p->cur = e;
  int rc = chunk_stream(read, rctx, p->cbuf, add_block, p);
  e->size = e->blocks.total;
  p->bytes += e->size;
  p->files++;
  return rc;
}

static int upload_block(void *ctx, const char *data, size_t n, const char id[65]) {
  struct push *p = ctx;
  long i = idset_find(&p->missing, id);
  if (i < 0 || p->missing.flag[i]) return 0;
  p->missing.flag[i] = 1;
  int rc = enqueue(p->u, data, n, id);
  progress_update(p->prog, atomic_load(&p->u->bytes));
  return rc;
}

static int upload_item(void *ctx, const struct tree_item *it, tree_read_fn read, void *rctx) {
  struct push *p = ctx;
  if (it->type != DS_FILE) return 0;
  const struct ds_entry *e = dsm_find(&p->m, it->path);
  int needed = 0;
  for (size_t k = 0; e && k < e->blocks.n && !needed; k++) {
    long i = idset_find(&p->missing, e->blocks.b[k].id);
    needed = i >= 0 && !p->missing.flag[i];
  }
  if (!needed) return 0;   /* a directory source skips reading it */
  return chunk_stream(read, rctx, p->cbuf, upload_block, p);
}

/* POST /v1/blocks/missing in batches; fills p->missing. */
static int ask_missing(struct push *p) {
  for (size_t i = 0; i < p->all.n; i += MISSING_BATCH) {
    json_t *arr = json_array();
    char id[65];
    for (size_t k = i; k < p->all.n && k < i + MISSING_BATCH; k++) {
      hex_encode(p->all.v[k].id, 32, id);
      char loc[96];
      snprintf(loc, sizeof loc, "%s+%llu", id, (unsigned long long)p->all.v[k].size);
      json_array_append_new(arr, json_string(loc));
    }
    char *body = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    struct client_resp resp;
    int rc = cli_call("asking for missing blocks", "POST", "/v1/blocks/missing", body, strlen(body), NULL, 16 << 20, &resp);
    free(body);
    if (rc) return rc;
    json_t *out = json_loadb(resp.body.s, resp.body.len, 0, NULL);
    client_resp_free(&resp);
    size_t j;
    json_t *v;
    json_array_foreach(out, j, v) {
      const char *s = json_string_value(v);
      long at = s && strlen(s) == 64 ? idset_find(&p->all, s) : -1;
      if (at >= 0) idset_add(&p->missing, s, p->all.v[at].size);
    }
    json_decref(out);
  }
  idset_seal(&p->missing);
  return 0;
}

static int usage(void) {
  fprintf(stderr, "usage: cairn push [-q] [-j N] [--chunking fastcdc|fixed] NAME[:TAG[,TAG...]] DIR|ARCHIVE\n"
                  "  ARCHIVE: .tar, .tar.gz, .tgz, .tar.zst or .zip\n"
                  "  --chunking fixed: 8 MiB fixed-size blocks (only to compare with FastCDC)\n");
  return 2;
}

int cmd_push(int argc, char **argv) {
  int quiet = 0, jobs = 4, na = 0;
  const char *args[2];
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-q")) quiet = 1;
    else if (!strcmp(argv[i], "-j") && i + 1 < argc) jobs = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--chunking") && i + 1 < argc) {
      const char *c = argv[++i];
      if (strcmp(c, "fixed") && strcmp(c, "fastcdc")) return usage();
      fixed_chunks = !strcmp(c, "fixed");
    } else if (argv[i][0] == '-' || na == 2) return usage();
    else args[na++] = argv[i];
  }
  if (na != 2 || jobs < 1 || jobs > 64) return usage();
  char name[160], tags[1024] = "latest";   /* NAME alone means NAME:latest */
  snprintf(name, sizeof name, "%s", args[0]);
  char *colon = strchr(name, ':');
  if (colon) { *colon = 0; snprintf(tags, sizeof tags, "%s", colon + 1); }
  const char *src = args[1];
  if (!datasets_name_ok(name)) return cli_fail("push: dataset names are [a-z0-9][a-z0-9._-]*, at most 128: '%s'", name);
  char tcheck[1024];
  snprintf(tcheck, sizeof tcheck, "%s", tags);
  for (char *t = tcheck, *next; *t; t = next) {
    next = strchr(t, ',');
    if (next) *next++ = 0; else next = t + strlen(t);
    if (!datasets_tag_ok(t)) return cli_fail("push: tags are [A-Za-z0-9][A-Za-z0-9._-]*, at most 128: '%s'", t);
  }
  struct client creds;
  client_init(&creds);
  if (!creds.have_creds) return cli_fail("push: no credentials (CAIRN_ACCESS_KEY / CAIRN_SECRET_KEY or ~/.config/cairn/credentials)");

  struct push p = {0};
  dsm_init(&p.m);
  p.cbuf = xmalloc(CDC_DEFAULT_MAX);
  char err[600];
  int rc = tree_walk(src, scan_item, &p, err, sizeof err);
  const char *why = NULL;
  if (!rc && dsm_finish(&p.m, &why)) { snprintf(err, sizeof err, "%s", why); rc = CAIRN_EINVAL; }
  if (rc) { xfree(p.cbuf); dsm_free(&p.m); idset_free(&p.all); return cli_fail("push: %s", err[0] ? err : cairn_strerror(rc)); }
  idset_seal(&p.all);
  if ((rc = ask_missing(&p))) { xfree(p.cbuf); dsm_free(&p.m); idset_free(&p.all); idset_free(&p.missing); return rc; }

  uint64_t to_send = 0;
  for (size_t i = 0; i < p.missing.n; i++) to_send += p.missing.v[i].size;
  struct uploader u = {0};
  pthread_mutex_init(&u.mu, NULL);
  pthread_cond_init(&u.cv_job, NULL);
  pthread_cond_init(&u.cv_free, NULL);
  u.cap = jobs < MAX_JOBS ? jobs : MAX_JOBS;
  u.nfree = jobs + 1 < MAX_JOBS * 2 ? jobs + 1 : MAX_JOBS * 2;
  for (int i = 0; i < u.nfree; i++) u.free_bufs[i] = xmalloc(CDC_DEFAULT_MAX);
  int nbufs = u.nfree;
  p.u = &u;
  p.prog = progress_new(quiet ? 0 : isatty(2), "push", to_send);
  pthread_t th[64];
  for (int i = 0; i < jobs; i++) pthread_create(&th[i], NULL, upload_main, &u);
  if (p.missing.n) rc = tree_walk(src, upload_item, &p, err, sizeof err);
  pthread_mutex_lock(&u.mu);
  u.stop = 1;
  pthread_cond_broadcast(&u.cv_job);
  pthread_mutex_unlock(&u.mu);
  for (int i = 0; i < jobs; i++) pthread_join(th[i], NULL);
  progress_done(p.prog, atomic_load(&u.bytes));
  for (int i = 0; i < nbufs; i++) xfree(u.free_bufs[i]);
  int failed = u.failed;
  if (!rc && failed) { snprintf(err, sizeof err, "%s", u.error); rc = CAIRN_EIO; }
  if (rc) {
    xfree(p.cbuf); dsm_free(&p.m); idset_free(&p.all); idset_free(&p.missing);
    return cli_fail("push: %s (re-run to upload what is still missing)", err[0] ? err : cairn_strerror(rc));
  }

  /* commit the manifest, then the tags */
  char *man = dsm_encode(&p.m), path[512], version[65] = "";
  snprintf(path, sizeof path, "/v1/datasets/%s/versions", name);
  struct client_resp resp;
  rc = cli_call("committing the manifest", "POST", path, man, strlen(man), NULL, 1 << 20, &resp);
  xfree(man);
  if (!rc) {
    json_t *j = json_loadb(resp.body.s, resp.body.len, 0, NULL);
    const char *v = NULL;
    if (j && !json_unpack(j, "{s:s}", "version", &v)) snprintf(version, sizeof version, "%s", v);
    json_decref(j);
    client_resp_free(&resp);
  }
  for (char *t = tags, *next; !rc && t && *t; t = next) {
    next = strchr(t, ',');
    if (next) *next++ = 0;
    char body[128];
    snprintf(path, sizeof path, "/v1/datasets/%s/tags/%s", name, t);
    snprintf(body, sizeof body, "{\"version\":\"%s\"}", version);
    if (!(rc = cli_call("tagging", "PUT", path, body, strlen(body), NULL, 1 << 16, &resp))) client_resp_free(&resp);
  }
  if (!rc) {
    uint64_t sent = atomic_load(&u.bytes);
    printf("pushed %s@%s: %llu files, %llu bytes, %llu bytes uploaded in %llu blocks, dedup %.1f%%\n", name, version,
           (unsigned long long)p.files, (unsigned long long)p.bytes, (unsigned long long)sent,
           (unsigned long long)atomic_load(&u.blocks), p.bytes ? 100.0 * (double)(p.bytes - sent) / (double)p.bytes : 100.0);
  }
  xfree(p.cbuf);
  dsm_free(&p.m);
  idset_free(&p.all);
  idset_free(&p.missing);
  return rc;
}
