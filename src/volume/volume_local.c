/* volume_local.c - the local directory volume driver.
 * Layout under the volume root:
 *   blocks/<id[0:2]>/<id>           committed blocks
 *   tmp/<id>.<pid>.<seq>            writes in progress (removed at open: a crash leaves nothing)
 *   trash/<id>.<deadline-seconds>   trashed blocks, deleted by empty_trash after the deadline
 *   quarantine/<id>.<time-ms>       blocks found corrupt, kept for inspection
 *   volume-id                       random identity used for placement
 * A write is temp file + fsync + rename + fsync of the directory, so a block is either absent or
 * complete and durable. With direct_writes, a temp file is opened O_DIRECT and page-aligned whole
 * pages go past the page cache (no copy, no cache filled with blocks nobody reads yet); the first
 * unaligned write (a block's tail) turns O_DIRECT off for the rest of the file. Filesystems that
 * refuse O_DIRECT (tmpfs) get buffered writes. */
#include "volume.h"
#include "../crypto/hash.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/hex.h"
#include "../util/timeutil.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

struct local { char *root; char uuid[33]; atomic_uint seq; atomic_int direct; };
struct lwriter { struct local *l; char id[65]; char *tmp; int fd; int direct; };

#define DIRECT_ALIGN 4096
struct lreader { int fd; };

static int valid_id(const char *id) { return strlen(id) == 64 && hex_is_lower(id, 64); }

static char *block_path(struct local *l, const char *id) {
  return xasprintf("%s/blocks/%.2s/%s", l->root, id, id);
}

static int fsync_dir(const char *path) {
  int fd = open(path, O_RDONLY | O_DIRECTORY);
  if (fd < 0) return cairn_from_errno(errno);
  int rc = fsync(fd) ? cairn_from_errno(errno) : 0;
  close(fd);
  return rc;
}

static int mkdir_p1(const char *path) {
  return mkdir(path, 0755) && errno != EEXIST ? cairn_from_errno(errno) : 0;
}

static void remove_dir_files(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d)))
    if (e->d_name[0] != '.') {
      char *p = xasprintf("%s/%s", dir, e->d_name);
      unlink(p);
      xfree(p);
    }
  closedir(d);
}

static int load_uuid(struct local *l) {
  char *p = xasprintf("%s/volume-id", l->root);
  int rc = 0;
  FILE *f = fopen(p, "r");
  if (f) {
    if (!fgets(l->uuid, sizeof l->uuid, f)) rc = CAIRN_EIO;
    l->uuid[strcspn(l->uuid, "\n")] = 0;
    fclose(f);
  } else {
    uint8_t r[16];
    crypto_random(r, sizeof r);
    hex_encode(r, sizeof r, l->uuid);
    char *tmp = xasprintf("%s.tmp", p);
    f = fopen(tmp, "w");
    if (!f || fprintf(f, "%s\n", l->uuid) < 0 || fflush(f) || fsync(fileno(f))) rc = CAIRN_EIO;
    if (f) fclose(f);
    if (!rc && rename(tmp, p)) rc = cairn_from_errno(errno);
    xfree(tmp);
  }
  xfree(p);
  return rc;
}

/* ---- writes ---- */

static int l_write_open(void *impl, const char *id, void **out) {
  struct local *l = impl;
  if (id && !valid_id(id)) return CAIRN_EINVAL;
  struct lwriter *w = xcalloc(1, sizeof *w);
  w->l = l;
  if (id) memcpy(w->id, id, 65);
  w->tmp = xasprintf("%s/tmp/%s.%d.%u", l->root, id ? id : "anonymous", (int)getpid(),
                     atomic_fetch_add(&l->seq, 1));
  w->fd = -1;
  if (atomic_load(&l->direct)) {
    w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_DIRECT, 0644);
    if (w->fd >= 0) w->direct = 1;
    else if (errno == EINVAL) atomic_store(&l->direct, 0);   /* this filesystem has no O_DIRECT: buffered from now on */
  }
  if (w->fd < 0) w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (w->fd < 0) {
    int rc = cairn_from_errno(errno);
    xfree(w->tmp);
    xfree(w);
    return rc;
  }
  *out = w;
  return 0;
}

static int l_write(void *wp, const void *buf, size_t n) {
  struct lwriter *w = wp;
  const char *p = buf;
  if (w->direct && ((uintptr_t)p % DIRECT_ALIGN || n % DIRECT_ALIGN)) {
    /* a tail or an unaligned buffer: buffered from here on (the file offset stays aligned) */
    int fl = fcntl(w->fd, F_GETFL);
    if (fl < 0 || fcntl(w->fd, F_SETFL, fl & ~O_DIRECT)) return cairn_from_errno(errno);
    w->direct = 0;
  }
  while (n) {
    ssize_t k = write(w->fd, p, n);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) return cairn_from_errno(errno);
    p += k;
    n -= (size_t)k;
  }
  return 0;
}

static void free_writer(struct lwriter *w, int unlink_tmp) {
  if (w->fd >= 0) close(w->fd);
  if (unlink_tmp) unlink(w->tmp);
  xfree(w->tmp);
  xfree(w);
}

static int l_write_commit(void *wp, const char *id) {
  struct lwriter *w = wp;
  struct local *l = w->l;
  if (id) {
    if (!valid_id(id)) { free_writer(w, 1); return CAIRN_EINVAL; }
    memcpy(w->id, id, 65);
  }
  if (!w->id[0]) { free_writer(w, 1); return CAIRN_EINVAL; }
  char *dir = xasprintf("%s/blocks/%.2s", l->root, w->id);
  char *dst = block_path(l, w->id);
  int rc = 0;
  if (fsync(w->fd)) { rc = cairn_from_errno(errno); goto out; }
  if (close(w->fd)) { w->fd = -1; rc = cairn_from_errno(errno); goto out; }
  w->fd = -1;
  if (access(dir, F_OK)) {
    if ((rc = mkdir_p1(dir))) goto out;
    char *blocks = xasprintf("%s/blocks", l->root);
    rc = fsync_dir(blocks);
    xfree(blocks);
    if (rc) goto out;
  }
  if (rename(w->tmp, dst)) { rc = cairn_from_errno(errno); goto out; }
  rc = fsync_dir(dir);
out:
  free_writer(w, rc != 0);
  xfree(dir);
  xfree(dst);
  return rc;
}

static void l_write_abort(void *wp) { free_writer(wp, 1); }

/* ---- reads ---- */

static int l_read_open(void *impl, const char *id, void **out, uint64_t *size) {
  if (!valid_id(id)) return CAIRN_EINVAL;
  char *p = block_path(impl, id);
  int fd = open(p, O_RDONLY | O_CLOEXEC);
  xfree(p);
  if (fd < 0) return cairn_from_errno(errno);
  struct stat st;
  if (fstat(fd, &st)) { close(fd); return CAIRN_EIO; }
  struct lreader *r = xmalloc(sizeof *r);
  r->fd = fd;
  *size = (uint64_t)st.st_size;
  *out = r;
  return 0;
}

static ssize_t l_read(void *rp, void *buf, size_t n, uint64_t off) {
  struct lreader *r = rp;
  for (;;) {
    ssize_t k = pread(r->fd, buf, n, (off_t)off);
    if (k < 0 && errno == EINTR) continue;
    return k < 0 ? cairn_from_errno(errno) : k;
  }
}

static int l_read_fd(void *rp) { return ((struct lreader *)rp)->fd; }

static void l_read_close(void *rp) {
  struct lreader *r = rp;
  close(r->fd);
  xfree(r);
}

/* ---- metadata operations ---- */

static int l_stat(void *impl, const char *id, uint64_t *size, int64_t *mtime_ms) {
  if (!valid_id(id)) return CAIRN_EINVAL;
  char *p = block_path(impl, id);
  struct stat st;
  int rc = stat(p, &st) ? cairn_from_errno(errno) : 0;
  xfree(p);
  if (rc) return rc;
  if (size) *size = (uint64_t)st.st_size;
  if (mtime_ms) *mtime_ms = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
  return 0;
}

static int l_touch(void *impl, const char *id) {
  if (!valid_id(id)) return CAIRN_EINVAL;
  char *p = block_path(impl, id);
  int rc = utimensat(AT_FDCWD, p, NULL, 0) ? cairn_from_errno(errno) : 0;
  xfree(p);
  return rc;
}

static int list_dir(struct local *l, const char *sub, const char *prefix, vol_list_cb cb, void *ctx) {
  char *dir = xasprintf("%s/blocks/%s", l->root, sub);
  DIR *d = opendir(dir);
  int rc = 0;
  if (!d) { xfree(dir); return 0; }
  struct dirent *e;
  size_t pl = strlen(prefix);
  while (!rc && (e = readdir(d))) {
    if (!valid_id(e->d_name) || strncmp(e->d_name, prefix, pl)) continue;
    struct stat st;
    if (fstatat(dirfd(d), e->d_name, &st, 0)) continue;
    struct vol_entry ent;
    memcpy(ent.id, e->d_name, 65);
    ent.size = (uint64_t)st.st_size;
    ent.mtime = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
    rc = cb(ctx, &ent);
  }
  closedir(d);
  xfree(dir);
  return rc;
}

static int l_list(void *impl, const char *prefix, vol_list_cb cb, void *ctx) {
  struct local *l = impl;
  if (strlen(prefix) >= 2) {
    char sub[3] = {prefix[0], prefix[1], 0};
    return list_dir(l, sub, prefix, cb, ctx);
  }
  static const char hx[] = "0123456789abcdef";
  for (int i = 0; i < 16; i++)
    for (int j = 0; j < 16; j++) {
      char sub[3] = {hx[i], hx[j], 0};
      if (strncmp(sub, prefix, strlen(prefix))) continue;
      int rc = list_dir(l, sub, prefix, cb, ctx);
      if (rc) return rc;
    }
  return 0;
}

static int l_trash(void *impl, const char *id, int64_t deadline_s) {
  struct local *l = impl;
  if (!valid_id(id)) return CAIRN_EINVAL;
  char *src = block_path(l, id);
  char *dst = xasprintf("%s/trash/%s.%lld", l->root, id, (long long)deadline_s);
  char *tdir = xasprintf("%s/trash", l->root);
  int rc = rename(src, dst) ? cairn_from_errno(errno) : fsync_dir(tdir);
  xfree(src);
  xfree(dst);
  xfree(tdir);
  return rc;
}

/* Finds the trash entry of id with the latest deadline; heap name or NULL. */
static char *find_trash(struct local *l, const char *id) {
  char *tdir = xasprintf("%s/trash", l->root);
  DIR *d = opendir(tdir);
  xfree(tdir);
  if (!d) return NULL;
  struct dirent *e;
  char *best = NULL;
  long long best_dl = -1;
  while ((e = readdir(d))) {
    if (strncmp(e->d_name, id, 64) || e->d_name[64] != '.') continue;
    long long dl = atoll(e->d_name + 65);
    if (dl > best_dl) { best_dl = dl; xfree(best); best = xstrdup(e->d_name); }
  }
  closedir(d);
  return best;
}

static int l_untrash(void *impl, const char *id) {
  struct local *l = impl;
  if (!valid_id(id)) return CAIRN_EINVAL;
  char *name = find_trash(l, id);
  if (!name) return CAIRN_ENOENT;
  char *src = xasprintf("%s/trash/%s", l->root, name);
  char *dir = xasprintf("%s/blocks/%.2s", l->root, id);
  char *dst = block_path(l, id);
  int rc = mkdir_p1(dir);
  if (!rc) rc = rename(src, dst) ? cairn_from_errno(errno) : fsync_dir(dir);
  xfree(name);
  xfree(src);
  xfree(dir);
  xfree(dst);
  return rc;
}

static int l_empty_trash(void *impl, int64_t now_s, int *deleted) {
  struct local *l = impl;
  char *tdir = xasprintf("%s/trash", l->root);
  DIR *d = opendir(tdir);
  xfree(tdir);
  if (!d) return 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (strlen(e->d_name) < 66 || e->d_name[64] != '.') continue;
    if (atoll(e->d_name + 65) > now_s) continue;
    if (!unlinkat(dirfd(d), e->d_name, 0)) (*deleted)++;
  }
  closedir(d);
  return 0;
}

static int l_quarantine(void *impl, const char *id) {
  struct local *l = impl;
  if (!valid_id(id)) return CAIRN_EINVAL;
  char *src = block_path(l, id);
  char *dst = xasprintf("%s/quarantine/%s.%lld", l->root, id, (long long)time_now_ms());
  int rc = rename(src, dst) ? cairn_from_errno(errno) : 0;
  xfree(src);
  xfree(dst);
  return rc;
}

static int l_usage(void *impl, uint64_t *used, uint64_t *avail) {
  struct local *l = impl;
  struct statvfs s;
  if (statvfs(l->root, &s)) return cairn_from_errno(errno);
  *used = (uint64_t)(s.f_blocks - s.f_bfree) * s.f_frsize;
  *avail = (uint64_t)s.f_bavail * s.f_frsize;
  return 0;
}

static const char *l_uuid(void *impl) { return ((struct local *)impl)->uuid; }

static void l_close(void *impl) {
  struct local *l = impl;
  xfree(l->root);
  xfree(l);
}

static const struct vol_driver local_driver = {
  "local", l_write_open, l_write, l_write_commit, l_write_abort, l_read_open, l_read, l_read_fd,
  l_read_close, l_stat, l_touch, l_list, l_trash, l_untrash, l_empty_trash, l_quarantine, l_usage,
  l_uuid, l_close, NULL, 0, NULL,
};

int vol_open_local(const char *dir, const struct vol_opts *o, vol_t **out) {
  struct local *l = xcalloc(1, sizeof *l);
  l->root = xstrdup(dir);
  static const char *subs[] = {"", "/blocks", "/tmp", "/trash", "/quarantine"};
  int rc = 0;
  for (size_t i = 0; i < sizeof subs / sizeof subs[0] && !rc; i++) {
    char *p = xasprintf("%s%s", dir, subs[i]);
    rc = (o && o->read_only) ? 0 : mkdir_p1(p);
    xfree(p);
  }
  if (!rc && !(o && (o->read_only || o->keep_tmp))) {
    char *tmp = xasprintf("%s/tmp", dir);
    remove_dir_files(tmp);   /* stale temp files from a crash or kill */
    xfree(tmp);
  }
  if (!rc) rc = load_uuid(l);
  if (rc) { l_close(l); return rc; }
  atomic_store(&l->direct, o && o->direct_writes);
  *out = vol_wrap(&local_driver, l, dir, o);
  return 0;
}
