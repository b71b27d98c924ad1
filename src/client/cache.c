/* cache.c - the local chunk cache (see cache.h). */
#include "cache.h"
#include "../crypto/hash.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint64_t parse_cap(const char *s) {
  char *end;
  double v = strtod(s, &end);
  uint64_t mul = 1;
  if (*end == 'K' || *end == 'k') mul = 1ull << 10;
  else if (*end == 'M' || *end == 'm') mul = 1ull << 20;
  else if (*end == 'G' || *end == 'g') mul = 1ull << 30;
  return v < 0 ? 0 : (uint64_t)(v * (double)mul);
}

void cache_open(struct cache *c) {
  const char *d = getenv("CAIRN_CACHE_DIR"), *x = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");
  if (d) snprintf(c->dir, sizeof c->dir, "%s", d);
  else if (x) snprintf(c->dir, sizeof c->dir, "%s/cairn", x);
  else snprintf(c->dir, sizeof c->dir, "%s/.cache/cairn", h ? h : "/tmp");
  const char *m = getenv("CAIRN_CACHE_MAX");
  c->max = m ? parse_cap(m) : 1ull << 30;
  c->on = c->max > 0;
  if (!c->on) return;
  char p[1100];
  snprintf(p, sizeof p, "%s", c->dir);
  for (char *s = p + 1; *s; s++) if (*s == '/') { *s = 0; mkdir(p, 0700); *s = '/'; }
  mkdir(p, 0700);
}

static void block_path(const struct cache *c, const char *id, char *out, size_t cap) {
  snprintf(out, cap, "%s/%.2s/%s", c->dir, id, id);
}

int cache_get(struct cache *c, const char *id, uint64_t size, char *buf) {
  if (!c->on) return -1;
  char p[1200];
  block_path(c, id, p, sizeof p);
  int fd = open(p, O_RDONLY);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, size);
  char got[65];
  close(fd);
  if (n == (ssize_t)size) sha256_hex(buf, size, got);
  if (n != (ssize_t)size || strcmp(got, id)) { unlink(p); return -1; }   /* a bad copy never serves */
  utimensat(AT_FDCWD, p, NULL, 0);   /* recently used */
  return 0;
}

void cache_put(struct cache *c, const char *id, const char *data, size_t n) {
  if (!c->on || n > c->max) return;
  char p[1200], tmp[1300];
  snprintf(p, sizeof p, "%s/%.2s", c->dir, id);
  mkdir(p, 0700);
  block_path(c, id, p, sizeof p);
  snprintf(tmp, sizeof tmp, "%s.%d.tmp", p, (int)gettid());
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return;
  int ok = write(fd, data, n) == (ssize_t)n;
  close(fd);   /* a cache needs no fsync: every read is verified */
  if (!ok || rename(tmp, p)) unlink(tmp);
}

struct centry { char path[1600]; uint64_t size; int64_t mtime; };

static int by_mtime(const void *a, const void *b) {
  const struct centry *x = a, *y = b;
  return x->mtime < y->mtime ? -1 : x->mtime > y->mtime;
}

void cache_trim(struct cache *c) {
  if (!c->on) return;
  struct centry *v = NULL;
  size_t n = 0, cap = 0;
  uint64_t total = 0;
  DIR *top = opendir(c->dir);
  if (!top) return;
  for (struct dirent *d; (d = readdir(top));) {
    if (strlen(d->d_name) != 2) continue;
    char sub[1300];
    snprintf(sub, sizeof sub, "%s/%s", c->dir, d->d_name);
    DIR *s = opendir(sub);
    if (!s) continue;
    for (struct dirent *e; (e = readdir(s));) {
      if (strlen(e->d_name) != 64) continue;
      struct stat st;
      if (n == cap) { cap = cap ? cap * 2 : 256; v = realloc(v, cap * sizeof *v); }
      snprintf(v[n].path, sizeof v[n].path, "%s/%s", sub, e->d_name);
      if (stat(v[n].path, &st)) continue;
      v[n].size = (uint64_t)st.st_size;
      v[n].mtime = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
      total += v[n++].size;
    }
    closedir(s);
  }
  closedir(top);
  if (total > c->max) {
    qsort(v, n, sizeof *v, by_mtime);
    for (size_t i = 0; i < n && total > c->max; i++) if (!unlink(v[i].path)) total -= v[i].size;
  }
  free(v);
}
