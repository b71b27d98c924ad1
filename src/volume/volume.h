/* volume.h - the volume interface: where block bytes live. A volume stores immutable blocks by id,
 * streams them in (temp file, fsync, rename) and out (pread or a file descriptor for sendfile),
 * and keeps trash and quarantine areas. Drivers implement struct vol_driver; this header's
 * vol_* functions dispatch to them and add the per-volume read_only and serialize_io policies.
 * Placement across volumes (replicas, rendezvous hashing) lives in store/, not here. */
#ifndef CAIRN_VOLUME_H
#define CAIRN_VOLUME_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct vol vol_t;
typedef struct vol_writer vol_writer_t;
typedef struct vol_reader vol_reader_t;

struct vol_opts {
  int read_only;      /* refuse writes, trash and quarantine moves */
  int serialize_io;   /* one I/O operation at a time (spinning disks); disables sendfile */
  int keep_tmp;       /* do not remove temp files at open (a server may be writing: fsck) */
  int direct_writes;  /* local: whole aligned buffers written with O_DIRECT where the fs allows */
};

struct vol_entry { char id[65]; uint64_t size; int64_t mtime; };
typedef int (*vol_list_cb)(void *ctx, const struct vol_entry *e);   /* non-zero stops the walk */

struct vol_driver {
  const char *name;
  int (*write_open)(void *impl, const char *id, void **w);   /* id NULL: learned at commit */
  int (*write)(void *w, const void *buf, size_t n);
  int (*write_commit)(void *w, const char *id);   /* durable as id (NULL: the id given at open);
                                                   * frees w either way */
  void (*write_abort)(void *w);          /* removes the temp data; frees w */
  int (*read_open)(void *impl, const char *id, void **r, uint64_t *size);
  ssize_t (*read)(void *r, void *buf, size_t n, uint64_t off);
  int (*read_fd)(void *r);               /* -1 when the driver has no file descriptor */
  void (*read_close)(void *r);
  int (*stat)(void *impl, const char *id, uint64_t *size, int64_t *mtime_ms);
  int (*touch)(void *impl, const char *id);
  int (*list)(void *impl, const char *prefix, vol_list_cb cb, void *ctx);
  int (*trash)(void *impl, const char *id, int64_t deadline_s);
  int (*untrash)(void *impl, const char *id);
  int (*empty_trash)(void *impl, int64_t now_s, int *deleted);
  int (*quarantine)(void *impl, const char *id);
  int (*usage)(void *impl, uint64_t *used, uint64_t *avail);
  const char *(*uuid)(void *impl);
  void (*close)(void *impl);
  int (*url)(void *impl, const char *id, int64_t expires_s, char **out);   /* NULL: no direct reads */
  int sorted_list;   /* list calls back in id order, each id once (one paged listing: S3) */
  int (*down)(void *impl);   /* known unreachable now (NULL: never) */
};

/* Opens (creating if needed) a local directory volume; removes stale temp files. Caller closes. */
int vol_open_local(const char *dir, const struct vol_opts *o, vol_t **out);
void vol_close(vol_t *v);
const char *vol_path(const vol_t *v);
const char *vol_uuid(const vol_t *v);    /* stable identity used for placement */
int vol_is_read_only(const vol_t *v);

/* id may be NULL when the content's hash is only known at the end (streams cut by the chunker);
 * such a write must be committed with vol_write_commit_as. CAIRN_EROFS when read_only. */
int vol_write_open(vol_t *v, const char *id, vol_writer_t **out);
int vol_write(vol_writer_t *w, const void *buf, size_t n);
int vol_write_commit(vol_writer_t *w);   /* frees w */
int vol_write_commit_as(vol_writer_t *w, const char *id);   /* frees w */
void vol_write_abort(vol_writer_t *w);   /* frees w */

int vol_read_open(vol_t *v, const char *id, vol_reader_t **out, uint64_t *size);  /* CAIRN_ENOENT */
ssize_t vol_read(vol_reader_t *r, void *buf, size_t n, uint64_t off);   /* bytes or CAIRN_E* */
int vol_reader_fd(vol_reader_t *r);    /* fd usable with sendfile, or -1 */
void vol_read_close(vol_reader_t *r);

int vol_stat(vol_t *v, const char *id, uint64_t *size, int64_t *mtime_ms);
int vol_touch(vol_t *v, const char *id);
int vol_list(vol_t *v, const char *prefix, vol_list_cb cb, void *ctx);
int vol_trash(vol_t *v, const char *id, int64_t deadline_s);
int vol_untrash(vol_t *v, const char *id);
int vol_empty_trash(vol_t *v, int64_t now_s, int *deleted);
int vol_quarantine(vol_t *v, const char *id);
int vol_usage(vol_t *v, uint64_t *used, uint64_t *avail);
/* A URL a client can GET the block from without the gateway (a presigned URL of an S3 store),
 * valid expires_s seconds; heap. CAIRN_ENOTIMPL when the driver has none. */
int vol_url(vol_t *v, const char *id, int64_t expires_s, char **out);
int vol_lists_sorted(const vol_t *v);   /* vol_list answers in id order, each id once */
int vol_is_down(const vol_t *v);        /* known unreachable now (a remote store that failed) */

/* for drivers */
vol_t *vol_wrap(const struct vol_driver *d, void *impl, const char *path, const struct vol_opts *o);

#endif
