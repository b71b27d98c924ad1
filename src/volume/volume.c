/* volume.c - dispatch from vol_* to a driver, plus the read_only and serialize_io policies that
 * every driver gets for free. serialize_io holds the volume's lock around each I/O call (a buffer
 * written or read, an fsync+rename), not across network waits, so a slow client cannot pin it. */
#include "volume.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <pthread.h>

struct vol {
  const struct vol_driver *d;
  void *impl;
  char *path;
  struct vol_opts o;
  pthread_mutex_t io;
};
struct vol_writer { vol_t *v; void *w; };
struct vol_reader { vol_t *v; void *r; };

#define IO_LOCK(v) do { if ((v)->o.serialize_io) pthread_mutex_lock(&(v)->io); } while (0)
#define IO_UNLOCK(v) do { if ((v)->o.serialize_io) pthread_mutex_unlock(&(v)->io); } while (0)

vol_t *vol_wrap(const struct vol_driver *d, void *impl, const char *path, const struct vol_opts *o) {
  vol_t *v = xcalloc(1, sizeof *v);
  v->d = d;
  v->impl = impl;
  v->path = xstrdup(path);
  if (o) v->o = *o;
  pthread_mutex_init(&v->io, NULL);
  return v;
}

void vol_close(vol_t *v) {
  if (!v) return;
  v->d->close(v->impl);
  pthread_mutex_destroy(&v->io);
  xfree(v->path);
  xfree(v);
}

const char *vol_path(const vol_t *v) { return v->path; }
const char *vol_uuid(const vol_t *v) { return v->d->uuid(v->impl); }
int vol_is_read_only(const vol_t *v) { return v->o.read_only; }

int vol_write_open(vol_t *v, const char *id, vol_writer_t **out) {
  if (v->o.read_only) return CAIRN_EROFS;
  void *w;
  int rc = v->d->write_open(v->impl, id, &w);
  if (rc) return rc;
  vol_writer_t *vw = xmalloc(sizeof *vw);
  vw->v = v;
  vw->w = w;
  *out = vw;
  return 0;
}

int vol_write(vol_writer_t *w, const void *buf, size_t n) {
  IO_LOCK(w->v);
  int rc = w->v->d->write(w->w, buf, n);
  IO_UNLOCK(w->v);
  return rc;
}

int vol_write_commit_as(vol_writer_t *w, const char *id) {
  vol_t *v = w->v;
  IO_LOCK(v);
  int rc = v->d->write_commit(w->w, id);
  IO_UNLOCK(v);
  xfree(w);
  return rc;
}

int vol_write_commit(vol_writer_t *w) { return vol_write_commit_as(w, NULL); }

void vol_write_abort(vol_writer_t *w) {
  if (!w) return;
  w->v->d->write_abort(w->w);
  xfree(w);
}

int vol_read_open(vol_t *v, const char *id, vol_reader_t **out, uint64_t *size) {
  void *r;
  int rc = v->d->read_open(v->impl, id, &r, size);
  if (rc) return rc;
  vol_reader_t *vr = xmalloc(sizeof *vr);
  vr->v = v;
  vr->r = r;
  *out = vr;
  return 0;
}

ssize_t vol_read(vol_reader_t *r, void *buf, size_t n, uint64_t off) {
  IO_LOCK(r->v);
  ssize_t k = r->v->d->read(r->r, buf, n, off);
  IO_UNLOCK(r->v);
  return k;
}

int vol_reader_fd(vol_reader_t *r) { return r->v->o.serialize_io ? -1 : r->v->d->read_fd(r->r); }

void vol_read_close(vol_reader_t *r) {
  if (!r) return;
  r->v->d->read_close(r->r);
  xfree(r);
}

int vol_stat(vol_t *v, const char *id, uint64_t *size, int64_t *mtime_ms) {
  return v->d->stat(v->impl, id, size, mtime_ms);
}

int vol_touch(vol_t *v, const char *id) {
  return v->o.read_only ? 0 : v->d->touch(v->impl, id);
}

int vol_list(vol_t *v, const char *prefix, vol_list_cb cb, void *ctx) {
  return v->d->list(v->impl, prefix, cb, ctx);
}

int vol_trash(vol_t *v, const char *id, int64_t deadline_s) {
  if (v->o.read_only) return CAIRN_EROFS;
  IO_LOCK(v);
  int rc = v->d->trash(v->impl, id, deadline_s);
  IO_UNLOCK(v);
  return rc;
}

int vol_untrash(vol_t *v, const char *id) {
  if (v->o.read_only) return CAIRN_EROFS;
  IO_LOCK(v);
  int rc = v->d->untrash(v->impl, id);
  IO_UNLOCK(v);
  return rc;
}

int vol_empty_trash(vol_t *v, int64_t now_s, int *deleted) {
  *deleted = 0;
  if (v->o.read_only) return 0;
  return v->d->empty_trash(v->impl, now_s, deleted);
}

int vol_quarantine(vol_t *v, const char *id) {
  if (v->o.read_only) return CAIRN_EROFS;
  return v->d->quarantine(v->impl, id);
}

int vol_usage(vol_t *v, uint64_t *used, uint64_t *avail) {
  return v->d->usage(v->impl, used, avail);
}

int vol_lists_sorted(const vol_t *v) { return v->d->sorted_list; }
int vol_is_down(const vol_t *v) { return v->d->down && v->d->down(v->impl); }

int vol_url(vol_t *v, const char *id, int64_t expires_s, char **out) {
  return v->d->url ? v->d->url(v->impl, id, expires_s, out) : CAIRN_ENOTIMPL;
}
