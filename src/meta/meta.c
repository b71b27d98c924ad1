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
int meta_bucket_create(meta_t *m, const struct meta_bucket *b) { return m->ops->bucket_create(m->impl, b); }
int meta_bucket_get(meta_t *m, const char *n, struct meta_bucket *o) { return m->ops->bucket_get(m->impl, n, o); }
int meta_bucket_delete(meta_t *m, const char *n) { return m->ops->bucket_delete(m->impl, n); }
int meta_bucket_list(meta_t *m, meta_bucket_cb cb, void *ctx) { return m->ops->bucket_list(m->impl, cb, ctx); }
int meta_object_put(meta_t *m, const struct meta_object *o) { return m->ops->object_put(m->impl, o); }
int meta_object_get(meta_t *m, const char *b, const char *k, struct meta_object *o) { return m->ops->object_get(m->impl, b, k, o); }
int meta_object_delete(meta_t *m, const char *b, const char *k) { return m->ops->object_delete(m->impl, b, k); }
int meta_object_list(meta_t *m, const char *b, const char *p, const char *a, int l, meta_object_cb cb, void *ctx) {
  return m->ops->object_list(m->impl, b, p, a, l, cb, ctx);
}

void meta_object_clear(struct meta_object *o) {
  xfree(o->key);
  xfree(o->content_type);
  xfree(o->manifest);
  xfree(o->headers);
  xfree(o->tags);
  o->key = o->content_type = o->manifest = o->headers = o->tags = NULL;
}

int meta_upload_create(meta_t *m, const struct meta_upload *u) { return m->ops->upload_create(m->impl, u); }
int meta_upload_get(meta_t *m, const char *id, struct meta_upload *o) { return m->ops->upload_get(m->impl, id, o); }
int meta_upload_delete(meta_t *m, const char *id) { return m->ops->upload_delete(m->impl, id); }
int meta_upload_list(meta_t *m, const char *b, meta_upload_cb cb, void *ctx) { return m->ops->upload_list(m->impl, b, cb, ctx); }
int meta_part_put(meta_t *m, const char *id, const struct meta_part *p) { return m->ops->part_put(m->impl, id, p); }
int meta_part_list(meta_t *m, const char *id, int wm, meta_part_cb cb, void *ctx) { return m->ops->part_list(m->impl, id, wm, cb, ctx); }
int meta_upload_complete(meta_t *m, const char *id, const struct meta_object *o) { return m->ops->upload_complete(m->impl, id, o); }

int meta_manifest_each(meta_t *m, meta_manifest_cb cb, void *ctx) { return m->ops->manifest_each(m->impl, cb, ctx); }

int meta_object_set_tags(meta_t *m, const char *b, const char *k, const char *t) { return m->ops->object_set_tags(m->impl, b, k, t); }
int meta_lifecycle_set(meta_t *m, const char *b, const char *r) { return m->ops->lifecycle_set(m->impl, b, r); }
int meta_bucket_set_public(meta_t *m, const char *b, int on) { return m->ops->bucket_set_public(m->impl, b, on); }
int meta_lifecycle_get(meta_t *m, const char *b, char **r) { return m->ops->lifecycle_get(m->impl, b, r); }

void meta_upload_clear(struct meta_upload *u) {
  xfree(u->key);
  xfree(u->content_type);
  xfree(u->headers);
  xfree(u->tags);
  u->key = u->content_type = u->headers = u->tags = NULL;
}

int meta_ping(meta_t *m) { return m->ops->ping(m->impl); }
int meta_schema_version(meta_t *m) { return m->ops->schema_version(m->impl); }

void meta_user_clear(struct meta_user *u) {
  xfree(u->secret_sealed);
  u->secret_sealed = NULL;
}
