/* fs_view.h - one dataset version seen as a file tree, shared by /fs and /dav: resolve
 * NAME/TAG (or a version id), look paths up (symlinks followed inside the tree, implicit
 * directories of archives), list a directory, send a file with ETag, Range and caching headers. */
#ifndef CAIRN_FS_VIEW_H
#define CAIRN_FS_VIEW_H
#include "app.h"
#include "../dataset/dsmanifest.h"
#include "../service/datasets.h"
#include "../util/sbuf.h"

struct fs_view {
  char name[160], tag[160], version[65];
  int immutable;             /* a version tag or a version id: the bytes never change */
  int public_read;
  const struct ds_manifest *m;   /* shared with other readers of the version (svc_ds_view_open) */
  ds_view_t *view;
};

/* Splits "NAME/TAG/rest" (r->tail) and loads the version; *rest is the path in the tree ("" for
 * the root). Checks access (a key, or a public dataset). 0, or non-zero once the error is answered. */
int fs_view_open(req_t *r, struct fs_view *v, const char **rest);
/* The entry at path (symlinks followed); NULL with *is_dir set for the root or an implicit
 * directory, NULL with *is_dir 0 when nothing is there. */
const struct ds_entry *fs_view_lookup(const struct fs_view *v, const char *path, int *is_dir);
/* Calls cb for each direct child of dir ("" = root): its name and entry (NULL for an implicit
 * directory). */
typedef dsm_child_cb fs_child_cb;
void fs_view_children(const struct fs_view *v, const char *dir, fs_child_cb cb, void *ctx);
/* A file's ETag (quoted): from its block list, so equal content has equal ETags everywhere. */
void fs_view_etag(const struct ds_entry *e, char out[40]);
/* Answers GET / HEAD of a file: ETag from its blocks, Last-Modified, Cache-Control, Range. */
int fs_view_send_file(req_t *r, const struct fs_view *v, const struct ds_entry *e);
/* Reads a whole small file (at most max bytes) into a heap buffer; NULL on failure. */
char *fs_view_read_small(req_t *r, const struct ds_entry *e, size_t max);
/* fs.c: a directory as JSON or HTML (with README.md), and the href encoding dav.c shares. */
int fs_send_dir(req_t *r, struct fs_view *v, const char *dir);
/* fs.c: "" for the root of /fs or /dav, NAME for a dataset's own level, NULL below a tag. */
const char *fs_index_name(req_t *r);
/* fs.c: the datasets the caller can read (name "") or a dataset's tags, as HTML or JSON. */
int fs_send_index(req_t *r, const char *name);
void fs_url_part(sbuf_t *b, const char *s);    /* percent-encodes everything but unreserved */

#endif
