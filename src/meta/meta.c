/* meta.c - dispatch of the meta_* calls to a backend, one call at a time per connection: the
 * writing connection must never let one thread's statement land inside another thread's
 * transaction (a rollback would take it along), so its mutex covers every call (recursive:
 * callbacks may call meta again). The per-request lookups (user by key, bucket, object) go to
 * reader connections when the backend opened some, each under its own mutex, so they do not
 * queue behind a group commit's fsync. Users by key and buckets by name are cached (meta_cache.h)
 * when no other node shares the database; the writes to them here invalidate the cache. */
#include "meta.h"
#include "meta_cache.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

/* Group commit of object puts: callers queue their row; whoever finds no leader becomes it and
 * writes every queued row in one transaction (one fsync), then wakes the others. Callers that
 * must not wait (meta_object_put_async) queue instead for the commit thread, which writes each
 * batch the same way and calls every row's done. */
struct put_req { const struct meta_object *o; int rc, done; struct put_req *next; meta_done_fn fn; void *ctx; };

struct meta {
  const struct meta_ops *ops;
  void *impl;
  pthread_mutex_t mu;
  pthread_mutex_t gmu;   /* guards the put queue */
  pthread_cond_t gcv;
  struct put_req *head, **tail;
  int leader;
  struct put_req *ahead, **atail;   /* the commit thread's queue (under gmu) */
  pthread_cond_t acv;
  pthread_t committer;
  int committer_on, stopping;
  struct reader { void *impl; pthread_mutex_t mu; } rd[META_READERS];
  int nrd;
  atomic_uint next_rd;
  meta_cache_t *cache;   /* NULL when other nodes write the same database */
};

/* A database that cannot be reached answers CAIRN_EBUSY (503 SlowDown: retry), not a 500. */
#define CALL(expr) do { \
    pthread_mutex_lock(&m->mu); \
    int r_ = (expr); \
    if (r_ == CAIRN_EDB && m->ops->lost && m->ops->lost(m->impl)) r_ = CAIRN_EBUSY; \
    pthread_mutex_unlock(&m->mu); \
    return r_; \
  } while (0)

meta_t *meta_wrap(const struct meta_ops *ops, void *impl) {
  meta_t *m = xmalloc(sizeof *m);
  m->ops = ops;
  m->impl = impl;
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
  pthread_mutex_init(&m->mu, &a);
  pthread_mutexattr_destroy(&a);
  pthread_mutex_init(&m->gmu, NULL);
  pthread_cond_init(&m->gcv, NULL);
  m->head = NULL;
  m->tail = &m->head;
  m->leader = 0;
  m->ahead = NULL;
  m->atail = &m->ahead;
  pthread_cond_init(&m->acv, NULL);
  m->committer_on = m->stopping = 0;
  m->nrd = 0;
  atomic_init(&m->next_rd, 0);
  m->cache = ops->shared && ops->shared(impl) ? NULL : meta_cache_new();
  return m;
}

char *meta_key_ceiling(const char *cp, size_t n) {
  enum { PAD = 300 };   /* 1,200 bytes: longer than any key */
  char *a = xmalloc(n + 4 * PAD + 1);
  memcpy(a, cp, n);
  for (int i = 0; i < PAD; i++) memcpy(a + n + 4 * i, "\xf4\x8f\xbf\xbf", 4);
  a[n + 4 * PAD] = 0;
  return a;
}

void meta_add_reader(meta_t *m, void *impl) {
  if (m->nrd == META_READERS) { m->ops->close(impl); return; }
  m->rd[m->nrd].impl = impl;
  pthread_mutex_init(&m->rd[m->nrd].mu, NULL);
  m->nrd++;
}

/* A free reader if there is one, else the next in turn (waiting for it); locked. */
static struct reader *reader_take(meta_t *m) {
  unsigned start = atomic_fetch_add(&m->next_rd, 1);
  for (int i = 0; i < m->nrd; i++) {
    struct reader *r = &m->rd[(start + (unsigned)i) % (unsigned)m->nrd];
    if (!pthread_mutex_trylock(&r->mu)) return r;
  }
  struct reader *r = &m->rd[start % (unsigned)m->nrd];
  pthread_mutex_lock(&r->mu);
  return r;
}

/* A read-only call on a reader connection (the writer's when there is none). */
#define CALL_READ(op, ...) do { \
    if (!m->nrd) CALL(m->ops->op(m->impl, __VA_ARGS__)); \
    struct reader *rd_ = reader_take(m); \
    int r_ = m->ops->op(rd_->impl, __VA_ARGS__); \
    if (r_ == CAIRN_EDB && m->ops->lost && m->ops->lost(rd_->impl)) r_ = CAIRN_EBUSY; \
    pthread_mutex_unlock(&rd_->mu); \
    return r_; \
  } while (0)

void meta_close(meta_t *m) {
  if (!m) return;
  pthread_mutex_lock(&m->gmu);
  m->stopping = 1;
  int joined = m->committer_on;
  pthread_cond_signal(&m->acv);
  pthread_mutex_unlock(&m->gmu);
  if (joined) pthread_join(m->committer, NULL);   /* it drains its queue first */
  pthread_cond_destroy(&m->acv);
  meta_cache_free(m->cache);
  for (int i = 0; i < m->nrd; i++) {
    m->ops->close(m->rd[i].impl);
    pthread_mutex_destroy(&m->rd[i].mu);
  }
  m->ops->close(m->impl);
  pthread_mutex_destroy(&m->mu);
  pthread_mutex_destroy(&m->gmu);
  pthread_cond_destroy(&m->gcv);
  xfree(m);
}

/* A write that changes users (what) or buckets: the cache forgets them all once it is done. */
#define CALL_CHANGING(what, expr) do { \
    pthread_mutex_lock(&m->mu); \
    int r_ = (expr); \
    if (r_ == CAIRN_EDB && m->ops->lost && m->ops->lost(m->impl)) r_ = CAIRN_EBUSY; \
    pthread_mutex_unlock(&m->mu); \
    if (m->cache) meta_cache_##what##_changed(m->cache); \
    return r_; \
  } while (0)

static int read_user(meta_t *m, const char *k, struct meta_user *o) { CALL_READ(user_by_key, k, o); }
static int read_bucket(meta_t *m, const char *n, struct meta_bucket *o) { CALL_READ(bucket_get, n, o); }

int meta_user_add(meta_t *m, const struct meta_user *u) { CALL_CHANGING(users, m->ops->user_add(m->impl, u)); }
int meta_user_by_key(meta_t *m, const char *k, struct meta_user *o) {
  if (!m->cache) return read_user(m, k, o);
  if (meta_cache_user_get(m->cache, k, o)) return 0;
  uint64_t gen = meta_cache_users_gen(m->cache);
  int rc = read_user(m, k, o);
  if (!rc) meta_cache_user_put(m->cache, gen, o);
  return rc;
}
int meta_user_rm(meta_t *m, const char *name) { CALL_CHANGING(users, m->ops->user_rm(m->impl, name)); }
int meta_user_list(meta_t *m, meta_user_cb cb, void *ctx) { CALL(m->ops->user_list(m->impl, cb, ctx)); }
int meta_bucket_create(meta_t *m, const struct meta_bucket *b) { CALL_CHANGING(buckets, m->ops->bucket_create(m->impl, b)); }
int meta_bucket_get(meta_t *m, const char *n, struct meta_bucket *o) {
  if (!m->cache) return read_bucket(m, n, o);
  if (meta_cache_bucket_get(m->cache, n, o)) return 0;
  uint64_t gen = meta_cache_buckets_gen(m->cache);
  int rc = read_bucket(m, n, o);
  if (!rc) meta_cache_bucket_put(m->cache, gen, o);
  return rc;
}
int meta_bucket_delete(meta_t *m, const char *n) { CALL_CHANGING(buckets, m->ops->bucket_delete(m->impl, n)); }
int meta_bucket_list(meta_t *m, meta_bucket_cb cb, void *ctx) { CALL(m->ops->bucket_list(m->impl, cb, ctx)); }
/* Writes one batch in a transaction; a failed commit fails every row of it. */
static void put_batch(meta_t *m, struct put_req *batch) {
  pthread_mutex_lock(&m->mu);
  int n = 0;
  for (struct put_req *q = batch; q; q = q->next) n++;
  int tx = n > 1 && m->ops->tx && !m->ops->tx(m->impl, 0);
  for (struct put_req *q = batch; q; q = q->next) q->rc = m->ops->object_put(m->impl, q->o);
  if (tx && m->ops->tx(m->impl, 1)) {
    m->ops->tx(m->impl, 2);
    for (struct put_req *q = batch; q; q = q->next) if (!q->rc) q->rc = CAIRN_EDB;
  }
  if (m->ops->lost && m->ops->lost(m->impl))
    for (struct put_req *q = batch; q; q = q->next) if (q->rc == CAIRN_EDB) q->rc = CAIRN_EBUSY;
  pthread_mutex_unlock(&m->mu);
}

int meta_object_put(meta_t *m, const struct meta_object *o) {
  struct put_req me = {o, 0, 0, NULL, NULL, NULL};
  pthread_mutex_lock(&m->gmu);
  *m->tail = &me;
  m->tail = &me.next;
  while (m->leader && !me.done) pthread_cond_wait(&m->gcv, &m->gmu);
  if (!me.done) {   /* lead one batch (it holds this row); a waiter still queued leads the next */
    m->leader = 1;
    struct put_req *batch = m->head;
    m->head = NULL;
    m->tail = &m->head;
    pthread_mutex_unlock(&m->gmu);
    put_batch(m, batch);
    pthread_mutex_lock(&m->gmu);
    for (struct put_req *q = batch, *next; q; q = next) { next = q->next; q->done = 1; }
    m->leader = 0;
    pthread_cond_broadcast(&m->gcv);
  }
  pthread_mutex_unlock(&m->gmu);
  return me.rc;
}
/* The commit thread: every queued row in one batch, then each row's done (outside every lock). */
static void *committer(void *arg) {
  meta_t *m = arg;
  pthread_mutex_lock(&m->gmu);
  for (;;) {
    while (!m->ahead && !m->stopping) pthread_cond_wait(&m->acv, &m->gmu);
    struct put_req *batch = m->ahead;
    if (!batch) break;   /* stopping, and nothing is left */
    m->ahead = NULL;
    m->atail = &m->ahead;
    pthread_mutex_unlock(&m->gmu);
    put_batch(m, batch);
    for (struct put_req *q = batch, *next; q; q = next) {
      next = q->next;
      q->fn(q->ctx, q->rc);
      xfree(q);
    }
    pthread_mutex_lock(&m->gmu);
  }
  pthread_mutex_unlock(&m->gmu);
  return NULL;
}

void meta_object_put_async(meta_t *m, const struct meta_object *o, meta_done_fn done, void *ctx) {
  struct put_req *q = xmalloc(sizeof *q);
  *q = (struct put_req){o, 0, 0, NULL, done, ctx};
  pthread_mutex_lock(&m->gmu);
  if (m->stopping) {
    pthread_mutex_unlock(&m->gmu);
    xfree(q);
    done(ctx, CAIRN_EBUSY);
    return;
  }
  if (!m->committer_on && !pthread_create(&m->committer, NULL, committer, m)) m->committer_on = 1;
  if (!m->committer_on) {   /* no thread to be had: commit here */
    pthread_mutex_unlock(&m->gmu);
    xfree(q);
    done(ctx, meta_object_put(m, o));
    return;
  }
  *m->atail = q;
  m->atail = &q->next;
  pthread_cond_signal(&m->acv);
  pthread_mutex_unlock(&m->gmu);
}

int meta_object_get(meta_t *m, const char *b, const char *k, struct meta_object *o) { CALL_READ(object_get, b, k, o); }
int meta_object_delete(meta_t *m, const char *b, const char *k) { CALL(m->ops->object_delete(m->impl, b, k)); }
int meta_object_list(meta_t *m, const char *b, const char *p, const char *a, int l, meta_object_cb cb, void *ctx) {
  CALL(m->ops->object_list(m->impl, b, p, a, l, cb, ctx));
}

void meta_object_clear(struct meta_object *o) {
  xfree(o->key);
  xfree(o->content_type);
  xfree(o->manifest);
  xfree(o->headers);
  xfree(o->tags);
  xfree(o->data);
  o->key = o->content_type = o->manifest = o->headers = o->tags = NULL;
  o->data = NULL;
  o->is_inline = 0;
}

int meta_upload_create(meta_t *m, const struct meta_upload *u) { CALL(m->ops->upload_create(m->impl, u)); }
int meta_upload_get(meta_t *m, const char *id, struct meta_upload *o) { CALL(m->ops->upload_get(m->impl, id, o)); }
int meta_upload_delete(meta_t *m, const char *id) { CALL(m->ops->upload_delete(m->impl, id)); }
int meta_upload_list(meta_t *m, const char *b, meta_upload_cb cb, void *ctx) { CALL(m->ops->upload_list(m->impl, b, cb, ctx)); }
int meta_part_put(meta_t *m, const char *id, const struct meta_part *p) { CALL(m->ops->part_put(m->impl, id, p)); }
int meta_part_list(meta_t *m, const char *id, int wm, meta_part_cb cb, void *ctx) { CALL(m->ops->part_list(m->impl, id, wm, cb, ctx)); }
int meta_upload_complete(meta_t *m, const char *id, const struct meta_object *o, int v) { CALL(m->ops->upload_complete(m->impl, id, o, v)); }

int meta_manifest_each(meta_t *m, meta_manifest_cb cb, void *ctx) { CALL(m->ops->manifest_each(m->impl, cb, ctx)); }

int meta_object_set_tags(meta_t *m, const char *b, const char *k, const char *v, const char *t) { CALL(m->ops->object_set_tags(m->impl, b, k, v, t)); }
int meta_object_put_version(meta_t *m, const struct meta_object *o) { CALL(m->ops->object_put_version(m->impl, o)); }
int meta_object_delete_marker(meta_t *m, const struct meta_object *o) { CALL(m->ops->object_delete_marker(m->impl, o)); }
int meta_object_version_get(meta_t *m, const char *b, const char *k, const char *v, struct meta_object *o) {
  CALL(m->ops->object_version_get(m->impl, b, k, v, o));
}
int meta_object_version_delete(meta_t *m, const char *b, const char *k, const char *v, int *was_marker) {
  CALL(m->ops->object_version_delete(m->impl, b, k, v, was_marker));
}
int meta_object_versions_list(meta_t *m, const char *b, const char *p, const char *ak, int64_t as, int l, meta_object_cb cb, void *ctx) {
  CALL(m->ops->object_versions_list(m->impl, b, p, ak, as, l, cb, ctx));
}
int meta_lifecycle_set(meta_t *m, const char *b, const char *r) { CALL_CHANGING(buckets, m->ops->lifecycle_set(m->impl, b, r)); }
int meta_bucket_set_acl(meta_t *m, const char *b, const char *acl, const char *g) { CALL_CHANGING(buckets, m->ops->bucket_set_acl(m->impl, b, acl, g)); }
int meta_bucket_set_policy(meta_t *m, const char *b, const char *p) { CALL_CHANGING(buckets, m->ops->bucket_set_policy(m->impl, b, p)); }
void meta_bucket_clear(struct meta_bucket *b) {
  xfree(b->grants);
  xfree(b->policy);
  xfree(b->lifecycle);
  xfree(b->access_block);
  xfree(b->ownership);
  b->grants = b->policy = b->lifecycle = b->access_block = b->ownership = NULL;
}
int meta_block_claim(meta_t *m, const char *o, const char *id) { CALL(m->ops->block_claim(m->impl, o, id)); }
int meta_block_claimed(meta_t *m, const char *o, const char *id) { CALL(m->ops->block_claimed(m->impl, o, id)); }
int meta_lifecycle_get(meta_t *m, const char *b, char **r) { CALL(m->ops->lifecycle_get(m->impl, b, r)); }

void meta_upload_clear(struct meta_upload *u) {
  xfree(u->key);
  xfree(u->content_type);
  xfree(u->headers);
  xfree(u->tags);
  u->key = u->content_type = u->headers = u->tags = NULL;
}

int meta_task_add(meta_t *m, struct meta_task *t) { CALL(m->ops->task_add(m->impl, t)); }
int meta_task_claim(meta_t *m, const char *o, int64_t now, int64_t lease, struct meta_task *out, int64_t *next) {
  CALL(m->ops->task_claim(m->impl, o, now, lease, out, next));
}
int meta_task_renew(meta_t *m, const char *id, const char *o, int64_t until, int64_t done, int64_t total, const char *msg) {
  CALL(m->ops->task_renew(m->impl, id, o, until, done, total, msg));
}
int meta_task_finish(meta_t *m, const struct meta_task *t) { CALL(m->ops->task_finish(m->impl, t)); }
int meta_task_get(meta_t *m, const char *id, struct meta_task *out) { CALL(m->ops->task_get(m->impl, id, out)); }
int meta_task_list(meta_t *m, const char *st, const char *k, const char *after, int limit, meta_task_cb cb, void *ctx) {
  CALL(m->ops->task_list(m->impl, st, k, after, limit, cb, ctx));
}
int meta_task_cancel(meta_t *m, const char *id, int64_t now, char state[12]) { CALL(m->ops->task_cancel(m->impl, id, now, state)); }
int meta_task_prune(meta_t *m, int64_t before, int64_t routine) { CALL(m->ops->task_prune(m->impl, before, routine)); }
void meta_task_clear(struct meta_task *t) {
  xfree(t->payload); xfree(t->result); xfree(t->error); xfree(t->error_detail); xfree(t->dedup_key);
  t->payload = t->result = t->error = t->error_detail = t->dedup_key = NULL;
}

int meta_counts(meta_t *m, struct meta_counts *out) { CALL(m->ops->counts(m->impl, out)); }
int meta_mirror_get(meta_t *m, const char *r, const char *h, struct meta_mirror *o) { CALL(m->ops->mirror_get(m->impl, r, h, o)); }
int meta_mirror_put(meta_t *m, const struct meta_mirror *e) { CALL(m->ops->mirror_put(m->impl, e)); }
int meta_mirror_delete(meta_t *m, const char *r, const char *h) { CALL(m->ops->mirror_delete(m->impl, r, h)); }
int meta_mirror_list(meta_t *m, const char *ar, const char *ah, int limit, meta_mirror_cb cb, void *ctx) {
  CALL(m->ops->mirror_list(m->impl, ar, ah, limit, cb, ctx));
}
void meta_mirror_clear(struct meta_mirror *e) {
  xfree(e->url); xfree(e->error); xfree(e->error_detail);
  e->url = e->error = e->error_detail = NULL;
}
int meta_task_counts(meta_t *m, meta_task_count_cb cb, void *ctx) { CALL(m->ops->task_counts(m->impl, cb, ctx)); }
int meta_bucket_config_get(meta_t *m, const char *b, const char *n, char **v) { CALL(m->ops->bucket_config_get(m->impl, b, n, v)); }
int meta_bucket_config_set(meta_t *m, const char *b, const char *n, const char *v) { CALL_CHANGING(buckets, m->ops->bucket_config_set(m->impl, b, n, v)); }

int meta_ping(meta_t *m) { CALL(m->ops->ping(m->impl)); }
int meta_lease_take(meta_t *m, const char *name, const char *holder, int64_t now_ms, int64_t until_ms) {
  CALL(m->ops->lease_take(m->impl, name, holder, now_ms, until_ms));
}
int meta_listen(meta_t *m, void (*fn)(void *ctx, const char *channel), void *ctx) {
  return m->ops->listen ? m->ops->listen(m->impl, fn, ctx) : 0;
}
int meta_shared(meta_t *m) { return m->ops->shared && m->ops->shared(m->impl); }
int meta_space_put(meta_t *m, const struct meta_space *sp) { CALL(m->ops->space_put(m->impl, sp)); }
int meta_space_get(meta_t *m, const char *k, const char *id, struct meta_space *o) { CALL(m->ops->space_get(m->impl, k, id, o)); }
int meta_space_delete(meta_t *m, const char *k, const char *id) { CALL(m->ops->space_delete(m->impl, k, id)); }
int meta_space_list(meta_t *m, const char *k, meta_space_cb cb, void *ctx) { CALL(m->ops->space_list(m->impl, k, cb, ctx)); }
int meta_space_member_set(meta_t *m, const char *k, const char *id, const char *u, const char *r) {
  CALL(m->ops->space_member_set(m->impl, k, id, u, r));
}
int meta_space_usage_set(meta_t *m, const char *k, const char *id, uint64_t u, uint64_t l) { CALL(m->ops->space_usage_set(m->impl, k, id, u, l)); }
int meta_space_sample(meta_t *m, int64_t at, int64_t before) { CALL(m->ops->space_sample(m->impl, at, before)); }
int meta_space_samples(meta_t *m, const char *k, const char *id, int64_t since, meta_space_cb cb, void *ctx) {
  CALL(m->ops->space_samples(m->impl, k, id, since, cb, ctx));
}
int meta_space_members(meta_t *m, const char *k, const char *id, int by_user, meta_member_cb cb, void *ctx) {
  CALL(m->ops->space_members(m->impl, k, id, by_user, cb, ctx));
}
int meta_schema_version(meta_t *m) { CALL(m->ops->schema_version(m->impl)); }

void meta_user_clear(struct meta_user *u) {
  xfree(u->secret_sealed);
  u->secret_sealed = NULL;
}

int meta_ds_version_put(meta_t *m, const char *d, const char *o, const struct meta_dsversion *v) { CALL(m->ops->ds_version_put(m->impl, d, o, v)); }
int meta_ds_version_get(meta_t *m, const char *d, const char *id, struct meta_dsversion *o) { CALL(m->ops->ds_version_get(m->impl, d, id, o)); }
int meta_ds_get(meta_t *m, const char *n, struct meta_dataset *o) { CALL(m->ops->ds_get(m->impl, n, o)); }
int meta_ds_list(meta_t *m, const char *after, int limit, meta_dataset_cb cb, void *ctx) { CALL(m->ops->ds_list(m->impl, after, limit, cb, ctx)); }
int meta_ds_set_public(meta_t *m, const char *n, int on) { CALL(m->ops->ds_set_public(m->impl, n, on)); }
int meta_ds_tag_set(meta_t *m, const char *d, const struct meta_dstag *t) { CALL(m->ops->ds_tag_set(m->impl, d, t)); }
int meta_ds_tag_get(meta_t *m, const char *d, const char *t, struct meta_dstag *o) { CALL(m->ops->ds_tag_get(m->impl, d, t, o)); }
int meta_ds_tag_delete(meta_t *m, const char *d, const char *t, int64_t now) { CALL(m->ops->ds_tag_delete(m->impl, d, t, now)); }
int meta_ds_tag_list(meta_t *m, const char *d, const char *after, int limit, meta_dstag_cb cb, void *ctx) { CALL(m->ops->ds_tag_list(m->impl, d, after, limit, cb, ctx)); }
int meta_ds_tag_history(meta_t *m, const char *d, const char *t, meta_dstag_cb cb, void *ctx) { CALL(m->ops->ds_tag_history(m->impl, d, t, cb, ctx)); }
int meta_ds_prune(meta_t *m, int64_t before) { CALL(m->ops->ds_prune(m->impl, before)); }
void meta_dsversion_clear(struct meta_dsversion *v) { xfree(v->manifest); xfree(v->blocks); v->manifest = v->blocks = NULL; }
