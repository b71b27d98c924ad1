/* cmd_mount.c - `cairn mount NAME:TAG MOUNTPOINT`: a read-only FUSE (libfuse3) view of a dataset
 * version. Blocks are fetched lazily, verified, kept in the local chunk cache and in a small
 * in-memory set of recent blocks; reading block k prefetches block k+1 (readahead). The manifest
 * is fixed for the life of the mount. `fusermount3 -u MOUNTPOINT` unmounts. */
#define FUSE_USE_VERSION 31
#include "cli.h"
#include "ds_remote.h"
#include "../client/cache.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <errno.h>
#include <fuse.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RECENT 8   /* decoded blocks kept in memory */

struct recent { char id[65]; char *data; uint64_t size; unsigned long used; };

static struct {
  struct ds_manifest m;
  struct cache cache;
  pthread_mutex_t mu;
  struct recent r[RECENT];
  unsigned long tick;
  pthread_t prefetcher;
  pthread_cond_t cv;
  struct mblock next;        /* block to prefetch; id "" when none */
  int stop;
  time_t mounted;
} g;

static __thread struct client *tc;   /* one kept connection per FUSE thread */

static struct client *thread_client(void) {
  if (!tc) { tc = xcalloc(1, sizeof *tc); client_init(tc); client_keep(tc); }
  return tc;
}

/* The block's bytes (a heap copy the caller frees), from memory, the cache or the gateway. */
static char *block_get(const struct mblock *b, int *err) {
  pthread_mutex_lock(&g.mu);
  for (int i = 0; i < RECENT; i++) {
    if (g.r[i].data && !strcmp(g.r[i].id, b->id)) {
      char *copy = xmalloc(b->size ? b->size : 1);
      memcpy(copy, g.r[i].data, b->size);
      g.r[i].used = ++g.tick;
      pthread_mutex_unlock(&g.mu);
      return copy;
    }
  }
  pthread_mutex_unlock(&g.mu);
  char *buf = xmalloc(b->size ? b->size : 1), msg[600];
  if (cache_get(&g.cache, b->id, b->size, buf)) {
    if (ds_fetch_block(thread_client(), b->id, b->size, buf, msg, sizeof msg)) {
      fprintf(stderr, "cairn mount: %s\n", msg);
      xfree(buf);
      *err = EIO;
      return NULL;
    }
    cache_put(&g.cache, b->id, buf, b->size);
  }
  pthread_mutex_lock(&g.mu);   /* remember it, evicting the least recently used */
  int lru = 0;
  for (int i = 1; i < RECENT; i++) if (g.r[i].used < g.r[lru].used) lru = i;
  xfree(g.r[lru].data);
  g.r[lru].data = xmalloc(b->size ? b->size : 1);
  memcpy(g.r[lru].data, buf, b->size);
  snprintf(g.r[lru].id, sizeof g.r[lru].id, "%s", b->id);
  g.r[lru].size = b->size;
  g.r[lru].used = ++g.tick;
  pthread_mutex_unlock(&g.mu);
  return buf;
}

static void *prefetch_main(void *arg) {
  (void)arg;
  pthread_mutex_lock(&g.mu);
  while (!g.stop) {
    if (!g.next.id[0]) { pthread_cond_wait(&g.cv, &g.mu); continue; }
    struct mblock b = g.next;
    g.next.id[0] = 0;
    pthread_mutex_unlock(&g.mu);
    int err;
    xfree(block_get(&b, &err));
    pthread_mutex_lock(&g.mu);
  }
  pthread_mutex_unlock(&g.mu);
  return NULL;
}

static const struct ds_entry *find(const char *path, int *is_dir, int follow) {
  while (*path == '/') path++;
  if (follow) return dsm_lookup(&g.m, path, is_dir);
  *is_dir = !*path;
  if (!*path) return NULL;
  const struct ds_entry *e = dsm_find(&g.m, path);
  if (!e) *is_dir = dsm_has_children(&g.m, path);
  else *is_dir = e->type == DS_DIR;
  return e;
}

static int m_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
  (void)fi;
  int is_dir;
  const struct ds_entry *e = find(path, &is_dir, 0);
  if (!e && !is_dir) return -ENOENT;
  memset(st, 0, sizeof *st);
  st->st_uid = getuid();
  st->st_gid = getgid();
  st->st_nlink = 1;
  st->st_mtime = e ? e->mtime : g.mounted;
  if (!e || e->type == DS_DIR) { st->st_mode = S_IFDIR | (e ? (e->mode & 0555) : 0555); st->st_nlink = 2; }
  else if (e->type == DS_LINK) { st->st_mode = S_IFLNK | 0777; st->st_size = (off_t)strlen(e->target); }
  else { st->st_mode = S_IFREG | (e->mode & 0555); st->st_size = (off_t)e->size; st->st_blocks = (blkcnt_t)((e->size + 511) / 512); }
  return 0;
}

static int m_readlink(const char *path, char *buf, size_t size) {
  int is_dir;
  const struct ds_entry *e = find(path, &is_dir, 0);
  if (!e || e->type != DS_LINK) return -EINVAL;
  snprintf(buf, size, "%s", e->target);
  return 0;
}

struct fill { void *buf; fuse_fill_dir_t fill; };
static void fill_child(void *ctx, const char *name, const struct ds_entry *e) {
  (void)e;
  struct fill *f = ctx;
  f->fill(f->buf, name, NULL, 0, 0);
}

static int m_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t off, struct fuse_file_info *fi,
                     enum fuse_readdir_flags flags) {
  (void)off; (void)fi; (void)flags;
  int is_dir;
  const struct ds_entry *e = find(path, &is_dir, 1);
  if (!is_dir) return e ? -ENOTDIR : -ENOENT;
  filler(buf, ".", NULL, 0, 0);
  filler(buf, "..", NULL, 0, 0);
  const char *dir = e ? e->path : path;
  while (*dir == '/') dir++;
  struct fill f = {buf, filler};
  dsm_children(&g.m, dir, fill_child, &f);
  return 0;
}

static int m_open(const char *path, struct fuse_file_info *fi) {
  if ((fi->flags & O_ACCMODE) != O_RDONLY) return -EROFS;
  int is_dir;
  const struct ds_entry *e = find(path, &is_dir, 1);
  if (!e) return is_dir ? -EISDIR : -ENOENT;
  if (e->type != DS_FILE) return -EISDIR;
  fi->fh = (uint64_t)(uintptr_t)e;
  fi->keep_cache = 1;   /* the bytes never change during the mount */
  return 0;
}

static int m_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi) {
  (void)path;
  const struct ds_entry *e = (const struct ds_entry *)(uintptr_t)fi->fh;
  if ((uint64_t)off >= e->size) return 0;
  if ((uint64_t)off + size > e->size) size = (size_t)(e->size - (uint64_t)off);
  size_t done = 0;
  while (done < size) {
    uint64_t pos = (uint64_t)off + done;
    size_t k = manifest_find(&e->blocks, pos);
    if (k >= e->blocks.n) break;
    const struct mblock *b = &e->blocks.b[k];
    int err = 0;
    char *data = block_get(b, &err);
    if (!data) return done ? (int)done : -err;
    size_t in = (size_t)(pos - b->offset), n = (size_t)(b->size - in);
    if (n > size - done) n = size - done;
    memcpy(buf + done, data + in, n);
    xfree(data);
    done += n;
    if (k + 1 < e->blocks.n) {   /* readahead: the next block in the background */
      pthread_mutex_lock(&g.mu);
      g.next = e->blocks.b[k + 1];
      pthread_cond_signal(&g.cv);
      pthread_mutex_unlock(&g.mu);
    }
  }
  return (int)done;
}

static const struct fuse_operations ops = {
  .getattr = m_getattr, .readlink = m_readlink, .readdir = m_readdir, .open = m_open, .read = m_read,
};

int cmd_mount(int argc, char **argv) {
  int foreground = 0;
  const char *args[2];
  int na = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-f")) foreground = 1;
    else if (argv[i][0] == '-' || na == 2) { na = 3; break; }
    else args[na++] = argv[i];
  }
  if (na != 2) { fprintf(stderr, "usage: cairn mount [-f] NAME:TAG MOUNTPOINT\n"); return 2; }
  struct ds_ref r;
  if (ds_parse_ref(args[0], 1, &r) || ds_resolve(&r) || ds_fetch_manifest(&r, &g.m)) return 1;
  cache_open(&g.cache);
  pthread_mutex_init(&g.mu, NULL);
  pthread_cond_init(&g.cv, NULL);
  g.mounted = time(NULL);
  char *fargv[8];
  int fargc = 0;
  fargv[fargc++] = "cairn-mount";
  fargv[fargc++] = "-o";
  fargv[fargc++] = "ro,default_permissions,fsname=cairn";
  struct fuse_args fa = FUSE_ARGS_INIT(fargc, fargv);
  struct fuse *f = fuse_new(&fa, &ops, sizeof ops, NULL);
  if (!f) { dsm_free(&g.m); return cli_fail("mount: cannot create the FUSE session"); }
  if (fuse_mount(f, args[1])) { fuse_destroy(f); dsm_free(&g.m); return cli_fail("mount: cannot mount on %s (is /dev/fuse usable?)", args[1]); }
  if (!foreground && fuse_daemonize(0)) { fuse_unmount(f); fuse_destroy(f); return cli_fail("mount: cannot daemonize"); }
  pthread_create(&g.prefetcher, NULL, prefetch_main, NULL);
  int rc = fuse_loop_mt(f, 0);
  pthread_mutex_lock(&g.mu);
  g.stop = 1;
  pthread_cond_signal(&g.cv);
  pthread_mutex_unlock(&g.mu);
  pthread_join(g.prefetcher, NULL);
  fuse_unmount(f);
  fuse_destroy(f);
  for (int i = 0; i < RECENT; i++) xfree(g.r[i].data);
  dsm_free(&g.m);
  fuse_opt_free_args(&fa);
  return rc ? 1 : 0;
}
