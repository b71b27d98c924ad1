/* tree.h - what `cairn push` reads: a directory, or a .tar / .tar.gz / .tgz / .tar.zst / .zip
 * archive (libarchive), walked in a stable order as entries (path, type, mode, mtime, size, link
 * target) with the file contents streamed. Unsafe entries (absolute paths, "..", links that
 * escape the root, device files, FIFOs, sockets) stop the walk with a clear message. */
#ifndef CAIRN_TREE_H
#define CAIRN_TREE_H
#include "../dataset/dsmanifest.h"
#include <stddef.h>
#include <stdint.h>

struct tree_item {
  const char *path;      /* relative, checked with dsm_path_ok */
  enum ds_type type;
  unsigned mode;
  int64_t mtime;
  uint64_t size;
  const char *target;    /* symlinks */
};

/* Next bytes of the current file: count, 0 at its end, < 0 on a read error. */
typedef long (*tree_read_fn)(void *rctx, char *buf, size_t max);
/* Called for every entry; a file's content may be read through read (or skipped). Non-zero stops. */
typedef int (*tree_cb)(void *ctx, const struct tree_item *it, tree_read_fn read, void *rctx);

/* 0, the callback's non-zero value, or CAIRN_EINVAL / CAIRN_EIO with err filled. */
int tree_walk(const char *src, tree_cb cb, void *ctx, char *err, size_t errlen);

#endif
