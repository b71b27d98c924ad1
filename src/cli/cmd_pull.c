/* cmd_pull.c - `cairn pull [--follow] NAME:TAG DIR`: rebuild a dataset version in DIR with modes,
 * mtimes and symlinks, every block verified, through the local chunk cache, files written
 * temp + fsync + rename (a bad block leaves no bad file), files already complete skipped (resume).
 * --follow keeps DIR (a symlink) at the tag's current version: each new version is pulled beside
 * the old one and the link is swapped atomically; the tag is watched with a long poll. */
#include "cli.h"
#include "ds_remote.h"
#include "progress.h"
#include "../chunk/fastcdc.h"
#include "../client/cache.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_BLOCK (64u << 20)

struct pull {
  const struct ds_manifest *m;
  int root;                  /* DIR */
  struct cache cache;
  atomic_size_t next;        /* next entry for a worker */
  uint64_t maxb;             /* largest block: one buffer per worker */
  atomic_ullong fetched, cached, skipped, bytes, direct;
  pthread_mutex_t mu;
  int failed;
  char error[700];
  struct progress *prog;
};

static void fail(struct pull *p, const char *fmt, const char *a, const char *b) {
  pthread_mutex_lock(&p->mu);
  if (!p->failed) snprintf(p->error, sizeof p->error, fmt, a, b);
  p->failed = 1;
  pthread_mutex_unlock(&p->mu);
}

/* Opens (creating as needed) the directory holding path's last component, never following a
 * symlink; *leaf points into path. -1 when a component is not a plain directory. */
static int open_parent(int root, const char *path, const char **leaf) {
  int fd = dup(root);
  char comp[DS_MAX_PATH + 1];
  const char *p = path;
  for (const char *s; fd >= 0 && (s = strchr(p, '/')); p = s + 1) {
    snprintf(comp, sizeof comp, "%.*s", (int)(s - p), p);
    mkdirat(fd, comp, 0755);
    int sub = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    close(fd);
    fd = sub;
  }
  *leaf = p;
  return fd;
}

static int write_all(int fd, const char *b, size_t n) {
  while (n) {
    ssize_t k = write(fd, b, n);
    if (k <= 0) return -1;
    b += k;
    n -= (size_t)k;
  }
  return 0;
}

static void pull_file(struct pull *p, struct client *c, const struct ds_entry *e, char *buf) {
  const char *leaf;
  int dfd = open_parent(p->root, e->path, &leaf);
  if (dfd < 0) { fail(p, "cannot create the directory of %s (a component is a symlink or a file)%s", e->path, ""); return; }
  struct stat st;
  if (!fstatat(dfd, leaf, &st, AT_SYMLINK_NOFOLLOW) && S_ISREG(st.st_mode) && (uint64_t)st.st_size == e->size &&
      st.st_mtim.tv_sec == e->mtime) {   /* already complete (a resumed pull) */
    atomic_fetch_add(&p->skipped, 1);
    atomic_fetch_add(&p->bytes, e->size);
    close(dfd);
    return;
  }
  char tmp[DS_MAX_PATH + 64];
  snprintf(tmp, sizeof tmp, ".%.200s.cairn-partial", leaf);   /* fixed: a re-run replaces a killed pull's */
  int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
  if (fd < 0) { close(dfd); fail(p, "cannot write %s: %s", e->path, strerror(errno)); return; }
  int ok = 1;
  for (size_t k = 0; k < e->blocks.n && ok && !p->failed; k++) {
    const struct mblock *b = &e->blocks.b[k];
    if (!cache_get(&p->cache, b->id, b->size, buf)) atomic_fetch_add(&p->cached, b->size);
    else {
      char msg[600];
      if (ds_fetch_block(c, b->id, b->size, buf, msg, sizeof msg)) { fail(p, "%s%s", msg, ""); ok = 0; break; }
      atomic_fetch_add(&p->fetched, b->size);
      cache_put(&p->cache, b->id, buf, b->size);
    }
    if (write_all(fd, buf, b->size)) { fail(p, "cannot write %s: %s", e->path, strerror(errno)); ok = 0; }
    progress_update(p->prog, atomic_fetch_add(&p->bytes, b->size) + b->size);
  }
  struct timespec ts[2] = {{e->mtime, 0}, {e->mtime, 0}};
  if (ok && (fsync(fd) || fchmod(fd, e->mode) || futimens(fd, ts))) { fail(p, "cannot finish %s: %s", e->path, strerror(errno)); ok = 0; }
  close(fd);
  if (ok && !p->failed && renameat(dfd, tmp, dfd, leaf)) { fail(p, "cannot rename into %s: %s", e->path, strerror(errno)); ok = 0; }
  if (!ok || p->failed) unlinkat(dfd, tmp, 0);   /* never a partial or unverified file */
  else fsync(dfd);
  close(dfd);
}

static int pull_direct;   /* --direct: blocks straight from the store (each still verified) */

static void *pull_main(void *arg) {
  struct pull *p = arg;
  struct client c;
  client_init(&c);
  client_keep(&c);
  c.direct = pull_direct;
  char *buf = xmalloc(p->maxb ? p->maxb : 1);
  for (size_t i; !p->failed && (i = atomic_fetch_add(&p->next, 1)) < p->m->n;)
    if (p->m->e[i].type == DS_FILE) pull_file(p, &c, &p->m->e[i], buf);
  xfree(buf);
  atomic_fetch_add(&p->direct, c.directs);
  client_close(&c);
  return NULL;
}

/* Pulls manifest m into the directory fd root. 0 or 1 (printed). */
static int pull_tree(const struct ds_manifest *m, int root, int quiet, int jobs, const char *label) {
  struct pull p = {.m = m, .root = root};
  for (size_t i = 0; i < m->n; i++)
    for (size_t k = 0; k < m->e[i].blocks.n; k++) if (m->e[i].blocks.b[k].size > p.maxb) p.maxb = m->e[i].blocks.b[k].size;
  if (p.maxb > MAX_BLOCK) return cli_fail("pull: the manifest names a block of %llu bytes (at most %u)", (unsigned long long)p.maxb, MAX_BLOCK);
  pthread_mutex_init(&p.mu, NULL);
  cache_open(&p.cache);
  for (size_t i = 0; i < m->n && !p.failed; i++) {   /* directories first: parents sort first */
    const struct ds_entry *e = &m->e[i];
    if (e->type != DS_DIR) continue;
    const char *leaf;
    int dfd = open_parent(root, e->path, &leaf);
    struct stat st;
    if (dfd < 0 || (mkdirat(dfd, leaf, 0755) && errno != EEXIST) ||
        fstatat(dfd, leaf, &st, AT_SYMLINK_NOFOLLOW) || !S_ISDIR(st.st_mode))
      fail(&p, "cannot create directory %s%s", e->path, "");
    if (dfd >= 0) close(dfd);
  }
  p.prog = progress_new(quiet ? 0 : isatty(2), label, dsm_bytes(m));
  pthread_t th[32];
  int n = jobs < 32 ? jobs : 32;
  for (int i = 0; i < n; i++) pthread_create(&th[i], NULL, pull_main, &p);
  for (int i = 0; i < n; i++) pthread_join(th[i], NULL);
  progress_done(p.prog, atomic_load(&p.bytes));
  for (size_t i = 0; i < m->n && !p.failed; i++) {   /* symlinks */
    const struct ds_entry *e = &m->e[i];
    if (e->type != DS_LINK) continue;
    const char *leaf;
    int dfd = open_parent(root, e->path, &leaf);
    struct stat st;
    if (dfd >= 0 && !fstatat(dfd, leaf, &st, AT_SYMLINK_NOFOLLOW) && !S_ISDIR(st.st_mode)) unlinkat(dfd, leaf, 0);
    struct timespec ts[2] = {{e->mtime, 0}, {e->mtime, 0}};
    if (dfd < 0 || symlinkat(e->target, dfd, leaf)) fail(&p, "cannot create symlink %s%s", e->path, "");
    else utimensat(dfd, leaf, ts, AT_SYMLINK_NOFOLLOW);
    if (dfd >= 0) close(dfd);
  }
  for (size_t i = m->n; i-- > 0 && !p.failed;) {   /* directory modes and mtimes, deepest first */
    const struct ds_entry *e = &m->e[i];
    if (e->type != DS_DIR) continue;
    const char *leaf;
    int dfd = open_parent(root, e->path, &leaf);
    struct timespec ts[2] = {{e->mtime, 0}, {e->mtime, 0}};
    if (dfd >= 0) { fchmodat(dfd, leaf, e->mode, 0); utimensat(dfd, leaf, ts, AT_SYMLINK_NOFOLLOW); close(dfd); }
  }
  cache_trim(&p.cache);
  pthread_mutex_destroy(&p.mu);
  if (p.failed) return cli_fail("pull: %s", p.error);
  if (!quiet)
    printf("pulled %s: %zu entries, %llu bytes, %llu downloaded (%llu blocks directly from the store), %llu from the cache,"
           " %llu files already complete\n", label, m->n, (unsigned long long)dsm_bytes(m), (unsigned long long)atomic_load(&p.fetched),
           (unsigned long long)atomic_load(&p.direct), (unsigned long long)atomic_load(&p.cached), (unsigned long long)atomic_load(&p.skipped));
  return 0;
}

static int open_root(const char *dir) {
  mkdir(dir, 0755);
  int fd = open(dir, O_RDONLY | O_DIRECTORY);
  if (fd < 0) cli_fail("cannot open directory %s: %s", dir, strerror(errno));
  return fd;
}

static int pull_once(struct ds_ref *r, const char *dir, int quiet, int jobs) {
  struct ds_manifest m;
  if (ds_resolve(r) || ds_fetch_manifest(r, &m)) return 1;
  int root = open_root(dir);
  char label[400];
  snprintf(label, sizeof label, "%s:%s", r->name, r->tag);
  int rc = root < 0 ? 1 : pull_tree(&m, root, quiet, jobs, label);
  if (root >= 0) close(root);
  dsm_free(&m);
  return rc;
}

/* Waits (long poll) until the tag moves off version; 0 with r->version updated, 1 on failure. */
static int wait_move(struct ds_ref *r) {
  char path[700];
  struct client c;
  client_init(&c);
  for (;;) {   /* query parameters in SigV4 canonical (sorted) order: curl signs them as written */
    snprintf(path, sizeof path, "/v1/datasets/%s/tags/%s?since=%s&wait=30", r->name, r->tag, r->version);
    struct client_resp resp;
    if (client_do(&c, "GET", path, NULL, 0, NULL, 1 << 16, &resp)) { client_resp_free(&resp); sleep(2); continue; }
    long st = resp.status;
    json_t *j = st == 200 ? json_loadb(resp.body.s, resp.body.len, 0, NULL) : NULL;
    const char *v = NULL;
    int moved = j && !json_unpack(j, "{s:s}", "version", &v) && strlen(v) == 64 && strcmp(v, r->version);
    if (moved) memcpy(r->version, v, 65);
    json_decref(j);
    client_resp_free(&resp);
    if (moved) return 0;
    if (st != 200 && st != 304 && st != 404) sleep(2);   /* server trouble: retry */
  }
}

static int follow(struct ds_ref *r, const char *dir, int quiet, int jobs) {
  char store[1200], link[1300], cur[1400] = "";
  snprintf(store, sizeof store, "%s.cairn", dir);
  struct stat st;
  if (!lstat(dir, &st) && !S_ISLNK(st.st_mode))
    return cli_fail("%s exists and is not a symlink: --follow manages DIR as a link to DIR.cairn/<version>", dir);
  mkdir(store, 0755);
  if (ds_resolve(r)) return 1;
  for (;;) {
    struct ds_manifest m;
    if (ds_fetch_manifest(r, &m)) return 1;
    char vdir[1300], label[400];
    snprintf(vdir, sizeof vdir, "%s/%s", store, r->version);
    snprintf(label, sizeof label, "%s:%s@%.12s", r->name, r->tag, r->version);
    int root = open_root(vdir);
    int rc = root < 0 ? 1 : pull_tree(&m, root, quiet, jobs, label);
    if (root >= 0) close(root);
    dsm_free(&m);
    if (rc) return rc;
    /* atomic switch: a new link renamed over DIR */
    char *slash = strrchr(store, '/');
    const char *rel = slash ? slash + 1 : store;
    char target[1400];
    snprintf(target, sizeof target, "%s/%s", rel, r->version);
    snprintf(link, sizeof link, "%s.cairn-link", dir);
    unlink(link);
    if (symlink(target, link) || rename(link, dir)) return cli_fail("cannot switch %s to %s: %s", dir, r->version, strerror(errno));
    if (!quiet) { printf("%s now at %s\n", dir, r->version); fflush(stdout); }
    if (*cur && strcmp(cur, vdir)) {   /* the previous version is no longer visible */
      char cmd[3000];
      snprintf(cmd, sizeof cmd, "rm -rf -- '%s'", cur);
      if (system(cmd)) {}
    }
    snprintf(cur, sizeof cur, "%s", vdir);
    if (wait_move(r)) return 1;
  }
}

int cmd_pull(int argc, char **argv) {
  int quiet = 0, follow_tag = 0, jobs = 4;
  const char *args[2];
  int na = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-q")) quiet = 1;
    else if (!strcmp(argv[i], "--follow")) follow_tag = 1;
    else if (!strcmp(argv[i], "--direct")) pull_direct = 1;
    else if (!strcmp(argv[i], "-j") && i + 1 < argc) jobs = atoi(argv[++i]);
    else if (argv[i][0] == '-' || na == 2) { na = 3; break; }
    else args[na++] = argv[i];
  }
  if (na != 2 || jobs < 1) {
    fprintf(stderr, "usage: cairn pull [-q] [-j N] [--follow] [--direct] NAME:TAG DIR\n");
    return 2;
  }
  struct ds_ref r;
  if (ds_parse_ref(args[0], 1, &r)) return 1;
  signal(SIGPIPE, SIG_IGN);
  return follow_tag ? follow(&r, args[1], quiet, jobs) : pull_once(&r, args[1], quiet, jobs);
}
