/* test_service.c - the service layer without a server: buckets, objects, multipart, datasets and
 * blocks, each called as the owner, another user, an admin and anonymous, checking that every
 * refusal changes nothing. */
#include "test.h"
#include "fixture.h"
#include "service/admin.h"
#include "service/blocks.h"
#include "service/buckets.h"
#include "service/datasets.h"
#include "service/mirror.h"
#include "service/mirror_fetch.h"
#include "service/objects.h"
#include "service/task_ops.h"
#include "crypto/hash.h"
#include "util/alloc.h"
#include "util/err.h"
#include "util/timeutil.h"
#include <stdio.h>
#include <string.h>

static const struct principal admin = {PRINCIPAL_ADMIN, "admin", NULL};
static const struct principal alice = {PRINCIPAL_USER, "alice", NULL};
static const struct principal bob = {PRINCIPAL_USER, "bob", NULL};
static const struct principal anon = {PRINCIPAL_ANONYMOUS, "", NULL};
static const struct principal carol_p = {PRINCIPAL_USER, "carol", NULL};

static struct config cfg;

static svc_t *open_svc(void) { return fixture_svc_open(&cfg, "4"); }

static void close_svc(svc_t *s) {
  svc_close(s);
  config_free(&cfg);
}

static struct meta_object obj(const char *bucket, const char *key, const char *data) {
  struct meta_object o = {0};
  snprintf(o.bucket, sizeof o.bucket, "%s", bucket);
  o.key = (char *)key;
  o.size = strlen(data);
  snprintf(o.etag, sizeof o.etag, "00");
  o.content_type = "text/plain";
  o.manifest = "";
  o.created_ms = time_now_ms();
  o.headers = "{}";
  o.tags = "{}";
  o.data = (unsigned char *)data;
  o.is_inline = 1;
  return o;
}

static int read_obj(svc_t *s, const struct principal *p, const char *b, const char *k, char *out, size_t cap) {
  struct meta_object o;
  int rc = svc_object_get(s, p, AZ_GET_OBJECT, b, k, &o);
  if (rc) return rc;
  snprintf(out, cap, "%.*s", (int)o.size, o.data ? (const char *)o.data : "");
  meta_object_clear(&o);
  return 0;
}

static int count_cb(void *ctx, const struct meta_object *o) { (void)o; ++*(int *)ctx; return 0; }
static int bucket_count_cb(void *ctx, const char *n, int64_t c) { (void)n; (void)c; ++*(int *)ctx; return 0; }

struct seen { int n; char keys[8][16]; };
static int seen_cb(void *ctx, const struct meta_object *o) {
  struct seen *v = ctx;
  if (v->n < 8) snprintf(v->keys[v->n], sizeof v->keys[0], "%s", o->key);
  v->n++;
  return 0;
}

/* A listing with a delimiter is given one key per common prefix (then seeks past the others),
 * including keys under it that sort above anything short, and 2,500 keys under one prefix. */
static void list_with_delimiter(void) {
  svc_t *s = open_svc();
  ASSERT(s);
  ASSERT_EQ(svc_bucket_create(s, &alice, "dlist", NULL), 0);
  const char *keys[] = {"a/1", "a/2", "a/\xf4\x8f\xbf\xbf", "a0", "b/x/1", "b/y", "c", "p/q/1", "p/r"};
  for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
    struct meta_object o = obj("dlist", keys[i], "x");
    ASSERT_EQ(svc_object_put(s, &alice, &o), 0);
  }
  char k[32];
  for (int i = 0; i < 2500; i++) {
    snprintf(k, sizeof k, "m/%05d", i);
    struct meta_object o = obj("dlist", k, "x");
    ASSERT_EQ(svc_object_put(s, &alice, &o), 0);
  }
  struct seen v = {0};
  ASSERT_EQ(svc_object_list(s, &alice, "dlist", "", "/", "", seen_cb, &v, NULL), 0);
  ASSERT_EQ(v.n, 6);   /* a/ a0 b/ c m/ p/ */
  ASSERT_STREQ(v.keys[0], "a/1");
  ASSERT_STREQ(v.keys[1], "a0");
  ASSERT_STREQ(v.keys[2], "b/x/1");
  ASSERT_STREQ(v.keys[3], "c");
  ASSERT_STREQ(v.keys[4], "m/00000");
  ASSERT_STREQ(v.keys[5], "p/q/1");
  memset(&v, 0, sizeof v);   /* under a prefix, after a marker */
  ASSERT_EQ(svc_object_list(s, &alice, "dlist", "p/", "/", "", seen_cb, &v, NULL), 0);
  ASSERT_EQ(v.n, 2);
  ASSERT_STREQ(v.keys[0], "p/q/1");
  ASSERT_STREQ(v.keys[1], "p/r");
  memset(&v, 0, sizeof v);
  ASSERT_EQ(svc_object_list(s, &alice, "dlist", "", "/", "b/", seen_cb, &v, NULL), 0);
  ASSERT_EQ(v.n, 4);   /* a marker inside b/ still lists b/'s next key: the caller skips b/ itself */
  memset(&v, 0, sizeof v);
  ASSERT_EQ(svc_object_list(s, &alice, "dlist", "", NULL, "", seen_cb, &v, NULL), 0);
  ASSERT_EQ(v.n, 2509);   /* no delimiter: every key */
  memset(&v, 0, sizeof v);
  ASSERT_EQ(svc_object_versions_list(s, &alice, "dlist", "", "/", "", NULL, seen_cb, &v, NULL), 0);
  ASSERT_EQ(v.n, 6);
  ASSERT_STREQ(v.keys[4], "m/00000");
  close_svc(s);
}

static void buckets_and_objects(void) {
  svc_t *s = open_svc();
  ASSERT(s);
  ASSERT_EQ(svc_bucket_create(s, &alice, "alpha", NULL), 0);
  ASSERT_EQ(svc_bucket_create(s, &alice, "alpha", NULL), CAIRN_EBUCKETEXISTS);
  ASSERT_EQ(svc_bucket_create(s, &bob, "alpha", NULL), CAIRN_EBUCKETTAKEN);
  ASSERT_EQ(svc_bucket_create(s, &anon, "anon-bucket", NULL), CAIRN_EAUTH);
  ASSERT_EQ(svc_bucket_create(s, &bob, "Bad_Name", NULL), CAIRN_EBUCKETNAME);
  ASSERT_EQ(svc_bucket_create(s, &bob, "beta", "public-write"), CAIRN_EINVAL);
  struct meta_object o = obj("alpha", "k", "alice's bytes");
  ASSERT_EQ(svc_object_put(s, &alice, &o), 0);
  struct meta_object evil = obj("alpha", "k", "bob's bytes");
  ASSERT_EQ(svc_object_put(s, &bob, &evil), CAIRN_EAUTH);
  ASSERT_EQ(svc_object_put(s, &anon, &evil), CAIRN_EAUTH);
  char buf[64];
  ASSERT_EQ(read_obj(s, &alice, "alpha", "k", buf, sizeof buf), 0);
  ASSERT_STREQ(buf, "alice's bytes");
  ASSERT_EQ(read_obj(s, &bob, "alpha", "k", buf, sizeof buf), CAIRN_EAUTH);
  ASSERT_EQ(read_obj(s, &anon, "alpha", "k", buf, sizeof buf), CAIRN_EAUTH);
  ASSERT_EQ(read_obj(s, &admin, "alpha", "k", buf, sizeof buf), 0);
  ASSERT_EQ(read_obj(s, &alice, "nosuch", "k", buf, sizeof buf), CAIRN_ENOSUCHBUCKET);
  ASSERT_EQ(read_obj(s, &alice, "alpha", "nokey", buf, sizeof buf), CAIRN_ENOSUCHKEY);
  struct svc_deleted del;
  ASSERT_EQ(svc_object_delete(s, &bob, "alpha", "k", NULL, &del), CAIRN_EAUTH);
  ASSERT_EQ(svc_object_delete(s, &bob, "alpha", "k", "null", &del), CAIRN_EAUTH);
  ASSERT_EQ(svc_object_set_tags(s, &bob, AZ_PUT_OBJECT_TAGGING, "alpha", "k", NULL, "{\"a\":\"b\"}"), CAIRN_EAUTH);
  int n = 0;
  char owner[65];
  ASSERT_EQ(svc_object_list(s, &bob, "alpha", "", NULL, "", count_cb, &n, NULL), CAIRN_EAUTH);
  ASSERT_EQ(svc_object_list(s, &alice, "alpha", "", NULL, "", count_cb, &n, owner), 0);
  ASSERT_STREQ(owner, "alice");
  ASSERT_EQ(n, 1);
  ASSERT_EQ(svc_bucket_delete(s, &bob, "alpha"), CAIRN_EAUTH);
  ASSERT_EQ(svc_bucket_delete(s, &alice, "alpha"), CAIRN_EBUCKETNOTEMPTY);
  ASSERT_EQ(read_obj(s, &alice, "alpha", "k", buf, sizeof buf), 0);   /* every refusal changed nothing */
  ASSERT_STREQ(buf, "alice's bytes");
  ASSERT_EQ(svc_bucket_create(s, &bob, "bobs", NULL), 0);
  n = 0;
  ASSERT_EQ(svc_bucket_list(s, &bob, bucket_count_cb, &n), 0);
  ASSERT_EQ(n, 1);
  n = 0;
  ASSERT_EQ(svc_bucket_list(s, &admin, bucket_count_cb, &n), 0);
  ASSERT_EQ(n, 2);
  ASSERT_EQ(svc_bucket_list(s, &anon, bucket_count_cb, &n), CAIRN_EAUTH);
  /* sharing */
  ASSERT_EQ(svc_bucket_grant(s, &bob, "alpha", "bob", "READ"), CAIRN_EAUTH);
  ASSERT_EQ(svc_bucket_grant(s, &alice, "alpha", "bob", "READ,BOGUS"), CAIRN_EINVAL);
  ASSERT_EQ(svc_bucket_grant(s, &alice, "alpha", "bob", "READ"), 0);
  ASSERT_EQ(read_obj(s, &bob, "alpha", "k", buf, sizeof buf), 0);
  ASSERT_EQ(svc_object_put(s, &bob, &evil), CAIRN_EAUTH);
  ASSERT_EQ(svc_bucket_grant(s, &alice, "alpha", "bob", ""), 0);
  ASSERT_EQ(read_obj(s, &bob, "alpha", "k", buf, sizeof buf), CAIRN_EAUTH);
  ASSERT_EQ(svc_bucket_set_acl(s, &bob, "alpha", "public-read"), CAIRN_EAUTH);
  ASSERT_EQ(svc_bucket_set_acl(s, &alice, "alpha", "public-read"), 0);
  ASSERT_EQ(read_obj(s, &anon, "alpha", "k", buf, sizeof buf), 0);
  const char *why;
  ASSERT_EQ(svc_bucket_set_policy(s, &alice, "alpha", "{\"Statement\":[]}", &why), CAIRN_EMALFORMEDPOLICY);
  ASSERT_EQ(svc_bucket_set_policy(s, &alice, "alpha",
            "{\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::alpha/*\"}]}", &why), 0);
  ASSERT_EQ(read_obj(s, &anon, "alpha", "k", buf, sizeof buf), CAIRN_EAUTH);
  ASSERT_EQ(read_obj(s, &alice, "alpha", "k", buf, sizeof buf), CAIRN_EAUTH);
  ASSERT_EQ(svc_bucket_set_policy(s, &alice, "alpha", NULL, &why), 0);
  char *json;
  ASSERT_EQ(svc_bucket_access(s, &bob, "alpha", &json), CAIRN_EAUTH);   /* public-read gives READ, not READ_ACP */
  ASSERT_EQ(svc_bucket_access(s, &alice, "alpha", &json), 0);
  ASSERT(strstr(json, "\"acl\":\"public-read\""));
  xfree(json);
  close_svc(s);
}

static void multipart(void) {
  svc_t *s = open_svc();
  ASSERT(s);
  ASSERT_EQ(svc_bucket_create(s, &alice, "alpha", NULL), 0);
  struct meta_upload u = {.id = "u1", .bucket = "alpha", .key = "big", .content_type = "x", .headers = "{}", .tags = "{}"};
  ASSERT_EQ(svc_upload_create(s, &bob, &u), CAIRN_EAUTH);
  ASSERT_EQ(svc_upload_create(s, &alice, &u), 0);
  struct meta_part p = {1, 3, "00", "", 1, ""};
  ASSERT_EQ(svc_part_put(s, &bob, "u1", "alpha", "big", &p), CAIRN_EAUTH);
  ASSERT_EQ(svc_part_put(s, &alice, "u1", "alpha", "other", &p), CAIRN_ENOSUCHUPLOAD);
  ASSERT_EQ(svc_part_put(s, &alice, "u1", "alpha", "big", &p), 0);
  ASSERT_EQ(svc_upload_abort(s, &bob, "u1", "alpha", "big"), CAIRN_EAUTH);
  ASSERT_EQ(svc_bucket_delete(s, &alice, "alpha"), CAIRN_EBUCKETNOTEMPTY);   /* an unfinished upload keeps it */
  ASSERT_EQ(svc_upload_abort(s, &alice, "u1", "alpha", "big"), 0);
  ASSERT_EQ(svc_bucket_delete(s, &alice, "alpha"), 0);
  close_svc(s);
}

/* Stores bytes as a block as p; 0 or the error. */
static int put_block(svc_t *s, const struct principal *p, const char *data, char id[65]) {
  sha256_hex(data, strlen(data), id);
  svc_block_put_t *w;
  int rc = svc_block_put_begin(s, p, id, (int64_t)strlen(data), &w);
  if (rc) return rc;
  if ((rc = svc_block_put_write(w, data, strlen(data)))) { svc_block_put_abort(w); return rc; }
  int replicas;
  char loc[LOCATOR_MAX + 1];
  return svc_block_put_finish(w, &replicas, loc);
}

static void blocks_and_datasets(void) {
  svc_t *s = open_svc();
  ASSERT(s);
  char id[65], man[512], vid[65], *missing = NULL;
  const char *why;
  ASSERT_EQ(put_block(s, &anon, "alice's file", id), CAIRN_EAUTH);
  ASSERT_EQ(put_block(s, &alice, "alice's file", id), 0);
  ASSERT_EQ(svc_block_missing(s, &alice, id), 0);
  ASSERT_EQ(svc_block_missing(s, &bob, id), 1);      /* never tells bob it exists */
  ASSERT_EQ(svc_block_missing(s, &admin, id), 0);
  struct locator bare = {.size = -1};
  memcpy(bare.id, id, 65);
  ASSERT_EQ(svc_block_read_check(s, &bob, &bare), CAIRN_EAUTH);
  ASSERT_EQ(svc_block_read_check(s, &alice, &bare), CAIRN_EAUTH);
  ASSERT_EQ(svc_block_read_check(s, &admin, &bare), 0);
  ASSERT_EQ(svc_block_trash(s, &alice, id), CAIRN_EAUTH);
  snprintf(man, sizeof man, "{\"files\":[{\"path\":\"f\",\"type\":\"file\",\"mode\":420,\"size\":12,\"mtime\":0,\"blocks\":[\"%s+12\"]}]}", id);
  ASSERT_EQ(svc_ds_commit(s, &bob, "bobs", man, strlen(man), vid, &why, &missing), CAIRN_EAUTH);   /* the claim */
  ASSERT(missing != NULL);
  xfree(missing);
  missing = NULL;
  ASSERT_EQ(svc_ds_commit(s, &alice, "data", man, strlen(man), vid, &why, &missing), 0);
  struct meta_dstag t = {.floating = 1};
  snprintf(t.tag, sizeof t.tag, "latest");
  memcpy(t.version, vid, 65);
  ASSERT_EQ(svc_ds_tag_set(s, &bob, "data", &t), CAIRN_EAUTH);
  ASSERT_EQ(svc_ds_tag_set(s, &alice, "data", &t), 0);
  ASSERT_EQ(svc_ds_tag_delete(s, &bob, "data", "latest"), CAIRN_EAUTH);
  ASSERT_EQ(svc_ds_commit(s, &bob, "data", man, strlen(man), vid, &why, &missing), CAIRN_EAUTH);   /* not his dataset */
  struct meta_dstag got;
  ASSERT_EQ(svc_ds_tag_get(s, &bob, "data", "latest", &got), CAIRN_EAUTH);
  ASSERT_EQ(svc_ds_tag_get(s, &alice, "data", "latest", &got), 0);
  ASSERT_EQ(svc_ds_set_public(s, &bob, "data", 1), CAIRN_EAUTH);
  ASSERT_EQ(svc_ds_set_public(s, &alice, "data", 1), 0);
  ASSERT_EQ(svc_ds_tag_get(s, &anon, "data", "latest", &got), 0);
  char *locs = NULL;
  ASSERT_EQ(svc_ds_locators(s, &bob, "data", vid, &locs), 0);
  ASSERT(locs && strstr(locs, id) && strstr(locs, "+A"));
  xfree(locs);
  ASSERT_EQ(svc_ds_tag_set(s, &bob, "data", &t), CAIRN_EAUTH);   /* public is read-only */
  ASSERT_EQ(put_block(s, &bob, "alice's file", id), 0);           /* bob shows he holds the bytes */
  ASSERT_EQ(svc_ds_commit(s, &bob, "bobs", man, strlen(man), vid, &why, &missing), 0);
  char task[33];
  ASSERT_EQ(svc_gc_start(s, &bob, task), CAIRN_EAUTH);
  ASSERT_EQ(svc_gc_start(s, &admin, task), 0);
  json_t *tj;
  int ended;
  ASSERT_EQ(svc_task_get(s, &bob, task, &tj, &ended), CAIRN_ENOENT);   /* not his */
  ASSERT_EQ(svc_task_get(s, &anon, task, &tj, &ended), CAIRN_EAUTH);
  ASSERT_EQ(svc_task_cancel(s, &bob, task, &tj), CAIRN_ENOENT);
  ASSERT_EQ(svc_task_get(s, &admin, task, &tj, &ended), 0);
  ASSERT_STREQ(json_string_value(json_object_get(tj, "kind")), "gc");
  json_decref(tj);
  close_svc(s);
}

/* Removing a user does not hand its buckets, datasets or block claims to the next user of its name. */
static void users_and_ownership(void) {
  svc_t *s = open_svc();
  ASSERT(s);
  struct user_keys k;
  ASSERT_EQ(svc_user_create(s, &alice, "mallory", "user", &k), CAIRN_EAUTH);
  ASSERT_EQ(svc_user_create(s, &admin, "alice", "user", &k), 0);
  ASSERT_EQ(svc_user_create(s, &admin, "carol", "user", &k), 0);
  ASSERT_EQ(svc_bucket_create(s, &alice, "alpha", NULL), 0);
  char id[65];
  ASSERT_EQ(put_block(s, &carol_p, "carol's bytes", id), 0);
  ASSERT_EQ(svc_block_missing(s, &carol_p, id), 0);
  ASSERT_EQ(svc_user_delete(s, &bob, "alice"), CAIRN_EAUTH);
  ASSERT_EQ(svc_user_delete(s, &admin, "alice"), 0);
  ASSERT_EQ(svc_user_create(s, &admin, "alice", "user", &k), CAIRN_EEXIST);   /* "alice" still owns alpha */
  ASSERT_EQ(svc_user_delete(s, &admin, "carol"), 0);
  ASSERT_EQ(svc_user_create(s, &admin, "carol", "user", &k), 0);             /* owns nothing: reusable */
  ASSERT_EQ(svc_block_missing(s, &carol_p, id), 1);                         /* ... without the old claims */
  close_svc(s);
}

/* The mirror's refusals: the URL rules, unknown regions, purge for admins only, and the mirror's
 * bucket names kept from users. Nothing here reaches a network. */
static void mirror_rules(void) {
  struct mirror_rules r = {"^https://example\\.org/a/ ^http://127\\.0\\.0\\.1:8080/", 1};
  const char *why;
  ASSERT_EQ(mirror_url_allowed(&r, "https://example.org/a/x.tgz", &why), 0);
  ASSERT_EQ(mirror_url_allowed(&r, "http://127.0.0.1:8080/x", &why), CAIRN_EAUTH);   /* https required */
  r.require_https = 0;
  ASSERT_EQ(mirror_url_allowed(&r, "http://127.0.0.1:8080/x", &why), 0);
  ASSERT_EQ(mirror_url_allowed(&r, "https://example.org.evil.net/a/x", &why), CAIRN_EAUTH);
  ASSERT_EQ(mirror_url_allowed(&r, "https://evil.net/?https://example.org/a/", &why), CAIRN_EAUTH);
  ASSERT_EQ(mirror_url_allowed(&r, "https://example.org/a/x y", &why), CAIRN_EAUTH);
  ASSERT_EQ(mirror_url_allowed(&r, "ftp://example.org/a/x", &why), CAIRN_EAUTH);
  ASSERT_EQ(mirror_url_allowed(&r, "https://example.org/a/\xc3\xa9", &why), CAIRN_EAUTH);

  svc_t *s = open_svc();
  ASSERT(s);
  char err[128];
  config_set(&cfg, "mirror_regions", "eu-1", err, sizeof err);
  config_set(&cfg, "mirror_allow", "^https://example\\.org/a/", err, sizeof err);
  struct mirror_answer m;
  ASSERT_EQ(svc_mirror_redirect(s, "us-9", "https://example.org/a/x", 1, &m), 0);
  ASSERT_EQ(m.outcome, MIRROR_REFUSED);
  ASSERT_EQ(m.status, 404);
  ASSERT_EQ(svc_mirror_redirect(s, "eu-1", "https://example.org/b/x", 1, &m), 0);
  ASSERT_EQ(m.outcome, MIRROR_REFUSED);
  ASSERT_EQ(m.status, 403);
  ASSERT_STREQ(m.err, "InvalidUrl");
  ASSERT_EQ(svc_mirror_purge(s, &alice, "eu-1", "https://example.org/a/x"), CAIRN_EAUTH);
  ASSERT_EQ(svc_mirror_purge(s, &anon, "eu-1", "https://example.org/a/x"), CAIRN_EAUTH);
  ASSERT_EQ(svc_mirror_purge(s, &admin, "us-9", "https://example.org/a/x"), CAIRN_ENOENT);
  ASSERT_EQ(svc_mirror_purge(s, &admin, "eu-1", "https://example.org/a/x"), 0);   /* nothing there: still 204 */
  ASSERT_EQ(svc_bucket_create(s, &alice, "mirror-eu-1", NULL), CAIRN_EBUCKETTAKEN);
  close_svc(s);
}

void suite_service(void) {
  RUN(buckets_and_objects); RUN(list_with_delimiter); RUN(multipart); RUN(blocks_and_datasets); RUN(users_and_ownership); RUN(mirror_rules);
}
