/* meta.c - dispatch of the meta_* calls to a backend. */
#include "meta.h"
#include "../util/alloc.h"

struct meta { const struct meta_ops *ops; void *impl; };

meta_t *meta_wrap(const struct meta_ops *ops, void *impl) {
  meta_t *m = xmalloc(sizeof *m);
  m->ops = ops;
  m->impl = impl;
  return m;
}

void meta_close(meta_t *m) {
  if (!m) return;
  m->ops->close(m->impl);
  xfree(m);
}

int meta_user_add(meta_t *m, const struct meta_user *u) { return m->ops->user_add(m->impl, u); }
int meta_user_by_key(meta_t *m, const char *k, struct meta_user *o) { return m->ops->user_by_key(m->impl, k, o); }
int meta_user_rm(meta_t *m, const char *name) { return m->ops->user_rm(m->impl, name); }
int meta_user_list(meta_t *m, meta_user_cb cb, void *ctx) { return m->ops->user_list(m->impl, cb, ctx); }
int meta_ping(meta_t *m) { return m->ops->ping(m->impl); }
int meta_schema_version(meta_t *m) { return m->ops->schema_version(m->impl); }

void meta_user_clear(struct meta_user *u) {
  xfree(u->secret_sealed);
  u->secret_sealed = NULL;
}
