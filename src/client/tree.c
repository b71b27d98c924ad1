/* tree.c - walking a directory (sorted, no symlink following) or an archive (libarchive) for
 * push; see tree.h. */
#include "tree.h"
#include "../util/err.h"
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct walk { tree_cb cb; void *ctx; char *err; size_t errlen; };

static long fd_read(void *rctx, char *buf, size_t max) {
  ssize_t n = read(*(int *)rctx, buf, max);
  return n < 0 ? -1 : (long)n;
}

static int refuse(struct walk *w, const char *what, const char *path) {
  snprintf(w->err, w->errlen, "refusing %s: %s", what, path);
  return CAIRN_EINVAL;
}

static int walk_dir(struct walk *w, int dfd, const char *rel) {
  DIR *d = fdopendir(dfd);
  if (!d) { close(dfd); snprintf(w->err, w->errlen, "cannot read directory %s", *rel ? rel : "."); return CAIRN_EIO; }
  char **names = NULL;
  size_t n = 0, cap = 0;
  for (struct dirent *de; (de = readdir(d));) {
    if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
    if (n == cap) { cap = cap ? cap * 2 : 64; names = realloc(names, cap * sizeof *names); }
    names[n++] = strdup(de->d_name);
  }
  qsort(names, n, sizeof *names, (int (*)(const void *, const void *))strcmp);
  int rc = 0;
  for (size_t i = 0; i < n && !rc; i++) {
    char path[DS_MAX_PATH + 256];
    snprintf(path, sizeof path, "%s%s%s", rel, *rel ? "/" : "", names[i]);
    struct stat st;
    if (fstatat(dirfd(d), names[i], &st, AT_SYMLINK_NOFOLLOW)) { rc = refuse(w, "an entry that vanished", path); break; }
    if (!dsm_path_ok(path)) { rc = refuse(w, "an unsafe path", path); break; }
    struct tree_item it = {path, DS_FILE, st.st_mode & 07777, st.st_mtim.tv_sec, 0, NULL};
    if (S_ISDIR(st.st_mode)) {
      it.type = DS_DIR;
      if ((rc = w->cb(w->ctx, &it, NULL, NULL))) break;
      int sub = openat(dirfd(d), names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
      rc = sub < 0 ? refuse(w, "an unreadable directory", path) : walk_dir(w, sub, path);
    } else if (S_ISLNK(st.st_mode)) {
      char target[DS_MAX_PATH + 1];
      ssize_t k = readlinkat(dirfd(d), names[i], target, sizeof target - 1);
      if (k < 0) { rc = refuse(w, "an unreadable symlink", path); break; }
      target[k] = 0;
      if (!dsm_link_ok(path, target)) { rc = refuse(w, "a symlink that points outside the tree", path); break; }
      it.type = DS_LINK;
      it.target = target;
      rc = w->cb(w->ctx, &it, NULL, NULL);
    } else if (S_ISREG(st.st_mode)) {
      int fd = openat(dirfd(d), names[i], O_RDONLY | O_NOFOLLOW);
      if (fd < 0) { rc = refuse(w, "an unreadable file", path); break; }
      it.size = (uint64_t)st.st_size;
      rc = w->cb(w->ctx, &it, fd_read, &fd);
      close(fd);
    } else {
      rc = refuse(w, "a device file, FIFO or socket", path);
    }
  }
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
  closedir(d);
  return rc;
}

static long ar_read(void *rctx, char *buf, size_t max) {
  la_ssize_t n = archive_read_data(rctx, buf, max);
  return n < 0 ? -1 : (long)n;
}

/* "./a/b/" -> "a/b"; "" for the root entry. */
static void clean_path(const char *in, char *out, size_t cap) {
  while (in[0] == '.' && in[1] == '/') in += 2;
  snprintf(out, cap, "%s", in);
  size_t n = strlen(out);
  while (n && out[n - 1] == '/') out[--n] = 0;
  if (!strcmp(out, ".")) out[0] = 0;
}

static int walk_archive(struct walk *w, const char *src) {
  struct archive *a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_tar(a);
  archive_read_support_format_gnutar(a);
  archive_read_support_format_zip(a);
  if (archive_read_open_filename(a, src, 1 << 16) != ARCHIVE_OK) {
    snprintf(w->err, w->errlen, "%s: %s", src, archive_error_string(a));
    archive_read_free(a);
    return CAIRN_EINVAL;
  }
  int rc = 0;
  struct archive_entry *e;
  int r;
  while (!rc && (r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
    const char *raw = archive_entry_pathname(e);
    char path[DS_MAX_PATH + 2];
    if (!raw) { rc = refuse(w, "an entry without a name", src); break; }
    if (raw[0] == '/') { rc = refuse(w, "an absolute path in the archive", raw); break; }
    clean_path(raw, path, sizeof path);
    if (!*path) continue;
    if (!dsm_path_ok(path)) { rc = refuse(w, "an unsafe path in the archive", raw); break; }
    struct tree_item it = {path, DS_FILE, archive_entry_perm(e) & 07777, archive_entry_mtime(e), 0, NULL};
    if (archive_entry_hardlink(e)) { rc = refuse(w, "a hard link in the archive (unsupported)", raw); break; }
    switch (archive_entry_filetype(e)) {
    case AE_IFDIR: it.type = DS_DIR; rc = w->cb(w->ctx, &it, NULL, NULL); break;
    case AE_IFLNK:
      it.type = DS_LINK;
      it.target = archive_entry_symlink(e);
      if (!it.target || !dsm_link_ok(path, it.target)) { rc = refuse(w, "a symlink that points outside the tree", raw); break; }
      rc = w->cb(w->ctx, &it, NULL, NULL);
      break;
    case AE_IFREG:
      it.size = (uint64_t)archive_entry_size(e);
      rc = w->cb(w->ctx, &it, ar_read, a);
      break;
    default: rc = refuse(w, "a device file, FIFO or socket in the archive", raw);
    }
  }
  if (!rc && r != ARCHIVE_EOF) {
    snprintf(w->err, w->errlen, "%s: %s", src, archive_error_string(a));
    rc = CAIRN_EINVAL;
  }
  archive_read_free(a);
  return rc;
}

int tree_walk(const char *src, tree_cb cb, void *ctx, char *err, size_t errlen) {
  struct walk w = {cb, ctx, err, errlen};
  struct stat st;
  err[0] = 0;
  if (stat(src, &st)) { snprintf(err, errlen, "%s: no such file or directory", src); return CAIRN_EINVAL; }
  if (S_ISDIR(st.st_mode)) {
    int fd = open(src, O_RDONLY | O_DIRECTORY);
    if (fd < 0) { snprintf(err, errlen, "cannot open %s", src); return CAIRN_EIO; }
    return walk_dir(&w, fd, "");
  }
  return walk_archive(&w, src);
}
