/* test_meta.c - the metadata backend (SQLite, or PostgreSQL with CAIRN_TEST_PG): concurrent object
 * puts (group commit, waiting or not) all land, a put into a missing bucket fails alone, closing
 * answers every queued put; the user and bucket cache never serves what this process changed;
 * dataset tags follow their rules; the PostgreSQL spelling of SQLite's SQL. */
#include "test.h"
#include "fixture.h"
#include "meta/meta.h"
#include "meta/sqldb.h"
#include "util/alloc.h"
#include "util/err.h"
#include <pthread.h>
#include <stdio.h>

static meta_t *m;

static void *putter(void *arg) {
  long t = (long)arg;
  for (int i = 0; i < 150; i++) {
    char key[64];
    snprintf(key, sizeof key, "t%ld/k%03d", t, i);
    struct meta_object o = {0};
    snprintf(o.bucket, sizeof o.bucket, "%s", i == 77 && t == 3 ? "missing" : "b");
    o.key = key;
    o.size = 3;
    snprintf(o.etag, sizeof o.etag, "x");
    o.content_type = "text/plain";
    o.manifest = "";
    o.data = (unsigned char *)"abc";
    o.is_inline = 1;
    int rc = meta_object_put(m, &o);
    if (rc != (i == 77 && t == 3 ? CAIRN_ENOSUCHBUCKET : 0)) return (void *)1;
  }
  return NULL;
}

static int count_cb(void *ctx, const struct meta_object *o) { (void)o; (*(int *)ctx)++; return 0; }

static void group_commit(void) {
  ASSERT_EQ(fixture_meta_open(&m), 0);
  struct meta_bucket b = {.name = "b", .owner = "admin", .acl = "private", .created_ms = 1};
  ASSERT_EQ(meta_bucket_create(m, &b), 0);
  pthread_t th[8];
  for (long t = 0; t < 8; t++) pthread_create(&th[t], NULL, putter, (void *)t);
  int bad = 0;
  for (int t = 0; t < 8; t++) { void *r; pthread_join(th[t], &r); bad += r != NULL; }
  ASSERT_EQ(bad, 0);
  int n = 0;
  ASSERT_EQ(meta_object_list(m, "b", "", "", 5000, count_cb, &n), 0);
  ASSERT_EQ(n, 8 * 150 - 1);
  struct meta_object o;
  ASSERT_EQ(meta_object_get(m, "b", "t5/k010", &o), 0);
  ASSERT(o.is_inline && o.size == 3 && !memcmp(o.data, "abc", 3));
  meta_object_clear(&o);
  meta_close(m);
}

struct async_count { pthread_mutex_t mu; int done, failed; };
static void async_done(void *ctx, int rc) {
  struct async_count *c = ctx;
  pthread_mutex_lock(&c->mu);
  c->done++;
  c->failed += rc != 0;
  pthread_mutex_unlock(&c->mu);
}

static void async_commit(void) {
  char where[512];
  const char *w = fixture_meta_where();
  ASSERT(w);
  snprintf(where, sizeof where, "%s", w);
  ASSERT_EQ(meta_open(where, &m), 0);
  struct meta_bucket b = {.name = "b", .owner = "admin", .acl = "private", .created_ms = 1};
  ASSERT_EQ(meta_bucket_create(m, &b), 0);
  enum { N = 600 };
  static char keys[N][16];
  static struct meta_object rows[N];
  struct async_count c = {PTHREAD_MUTEX_INITIALIZER, 0, 0};
  for (int i = 0; i < N; i++) {
    snprintf(keys[i], sizeof keys[i], "a%04d", i);
    rows[i] = (struct meta_object){.key = keys[i], .size = 1, .content_type = "x", .manifest = "",
                                   .data = (unsigned char *)"z", .is_inline = 1};
    snprintf(rows[i].bucket, sizeof rows[i].bucket, "%s", i == 300 ? "missing" : "b");
    snprintf(rows[i].etag, sizeof rows[i].etag, "e");
    snprintf(rows[i].version_id, sizeof rows[i].version_id, "null");
    meta_object_put_async(m, &rows[i], async_done, &c);
  }
  meta_close(m);   /* drains the queue: every put answered */
  ASSERT_EQ(c.done, N);
  ASSERT_EQ(c.failed, 1);
  ASSERT_EQ(meta_open(where, &m), 0);   /* the same database again */
  int n = 0;
  ASSERT_EQ(meta_object_list(m, "b", "a", "", 5000, count_cb, &n), 0);
  ASSERT_EQ(n, N - 1);
  meta_close(m);
}

static void cache_follows_writes(void) {
  ASSERT_EQ(fixture_meta_open(&m), 0);
  struct meta_bucket b = {.name = "cb", .owner = "admin", .acl = "private", .created_ms = 1};
  ASSERT_EQ(meta_bucket_create(m, &b), 0);
  struct meta_bucket got;
  for (int i = 0; i < 2; i++) {   /* the second read is the cached one */
    ASSERT_EQ(meta_bucket_get(m, "cb", &got), 0);
    ASSERT_STREQ(got.acl, "private");
    meta_bucket_clear(&got);
  }
  ASSERT_EQ(meta_bucket_set_acl(m, "cb", "public-read", NULL), 0);
  ASSERT_EQ(meta_bucket_get(m, "cb", &got), 0);
  ASSERT_STREQ(got.acl, "public-read");
  meta_bucket_clear(&got);
  ASSERT_EQ(meta_bucket_config_set(m, "cb", "versioning", "Enabled"), 0);
  ASSERT_EQ(meta_bucket_get(m, "cb", &got), 0);
  ASSERT_STREQ(got.versioning, "Enabled");
  meta_bucket_clear(&got);
  ASSERT_EQ(meta_bucket_delete(m, "cb"), 0);
  ASSERT(meta_bucket_get(m, "cb", &got) != 0);
  struct meta_user u = {.name = "cu", .access_key = "CACHEKEY1", .secret_sealed = "s", .role = "user", .enabled = 1};
  ASSERT_EQ(meta_user_add(m, &u), 0);
  struct meta_user gu;
  for (int i = 0; i < 2; i++) {
    ASSERT_EQ(meta_user_by_key(m, "CACHEKEY1", &gu), 0);
    ASSERT_STREQ(gu.secret_sealed, "s");
    meta_user_clear(&gu);
  }
  ASSERT_EQ(meta_user_rm(m, "cu"), 0);
  ASSERT(meta_user_by_key(m, "CACHEKEY1", &gu) != 0);   /* removed: refused at once */
  meta_close(m);
}

static void dataset_tags(void) {
  ASSERT_EQ(fixture_meta_open(&m), 0);
  struct meta_dsversion v1 = {"1111111111111111111111111111111111111111111111111111111111111111", "{}", "", 0, 0, 1, NULL};
  struct meta_dsversion v2 = {"2222222222222222222222222222222222222222222222222222222222222222", "{}", "", 0, 0, 2, NULL};
  ASSERT_EQ(meta_ds_version_put(m, "d", "alice", &v1), 0);
  ASSERT_EQ(meta_ds_version_put(m, "d", "alice", &v2), 0);
  struct meta_dstag t = {"v1", "", 0, 10, 0, 0};
  memcpy(t.version, v1.id, 65);
  ASSERT_EQ(meta_ds_tag_set(m, "d", &t), 0);
  memcpy(t.version, v2.id, 65);
  ASSERT_EQ(meta_ds_tag_set(m, "d", &t), CAIRN_EEXIST);   /* a version tag never moves */
  struct meta_dstag f = {"latest", "", 1, 11, 0, 0};
  memcpy(f.version, v1.id, 65);
  ASSERT_EQ(meta_ds_tag_set(m, "d", &f), 0);
  memcpy(f.version, v2.id, 65);
  ASSERT_EQ(meta_ds_tag_set(m, "d", &f), 0);
  struct meta_dstag got;
  ASSERT_EQ(meta_ds_tag_get(m, "d", "latest", &got), 0);
  ASSERT_STREQ(got.version, v2.id);
  ASSERT_EQ(meta_ds_prune(m, 100), 0);   /* both versions are tagged */
  ASSERT_EQ(meta_ds_tag_delete(m, "d", "v1", 12), 0);
  ASSERT_EQ(meta_ds_prune(m, 100), 1);   /* v1 is no longer tagged */
  memcpy(t.version, "3333333333333333333333333333333333333333333333333333333333333333", 65);
  ASSERT_EQ(meta_ds_tag_set(m, "d", &t), CAIRN_ENOENT);   /* no such version */
  meta_close(m);
}

/* SQLite's spelling to PostgreSQL's: parameters, byte-order casts, rowid; literals untouched */
static void pg_translation(void) {
  int n;
  char *t = sqldb_pg_translate("SELECT a FROM t WHERE b = ? AND c = ?3 AND d = ? AND e = '?x' ORDER BY rowid", &n);
  ASSERT_STREQ(t, "SELECT a FROM t WHERE b = $1 AND c = $3 AND d = $4 AND e = '?x' ORDER BY ctid");
  ASSERT_EQ(n, 4);
  xfree(t);
  t = sqldb_pg_translate("substr(CAST(key AS BLOB), 1, length(CAST(?3 AS BLOB))) = CAST(?3 AS BLOB) AND myrowid = 1", &n);
  ASSERT_STREQ(t, "substr(convert_to(key, 'UTF8'), 1, length(convert_to($3, 'UTF8'))) = convert_to($3, 'UTF8') AND myrowid = 1");
  ASSERT_EQ(n, 3);
  xfree(t);
  t = sqldb_pg_ddl("CREATE TABLE x (k TEXT PRIMARY KEY, d BLOB, textual INTEGER, n TEXT)");
  ASSERT_STREQ(t, "CREATE TABLE x (k TEXT COLLATE \"C\" PRIMARY KEY, d BYTEA, textual INTEGER, n TEXT COLLATE \"C\")");
  xfree(t);
}

void suite_meta(void) {
  RUN(group_commit); RUN(async_commit); RUN(cache_follows_writes); RUN(dataset_tags); RUN(pg_translation);
}
