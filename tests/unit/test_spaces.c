/* test_spaces.c - a space's deduplicated usage and quota in the metadata layer: a block shared by
 * two objects counts once, replacing and deleting give bytes back, older versions still count, and
 * a write past the quota is refused with nothing written. */
#include "test.h"
#include "fixture.h"
#include "meta/meta.h"
#include "util/err.h"
#include <stdio.h>
#include <string.h>

static struct meta_object obj(const char *key, const char *manifest, uint64_t size) {
  struct meta_object o = {0};
  snprintf(o.bucket, sizeof o.bucket, "%s", "proj");
  o.key = (char *)key;
  o.size = size;
  snprintf(o.etag, sizeof o.etag, "00");
  o.content_type = "x";
  o.manifest = (char *)manifest;
  o.headers = "{}";
  o.tags = "{}";
  snprintf(o.version_id, sizeof o.version_id, "null");
  return o;
}

static uint64_t used(meta_t *m) {
  struct meta_space sp;
  return meta_space_get(m, "project", "proj", &sp) ? (uint64_t)-1 : sp.used_bytes;
}

static void usage_and_quota(void) {
  meta_t *m = NULL;
  ASSERT_EQ(fixture_meta_open(&m), 0);
  struct meta_bucket b = {.name = "proj", .owner = "", .created_ms = 1};
  ASSERT_EQ(meta_bucket_create(m, &b), 0);
  char a[80], c[80], both[200];
  snprintf(a, sizeof a, "%064d+100\n", 1);
  snprintf(c, sizeof c, "%064d+50\n", 2);
  snprintf(both, sizeof both, "%s%s", a, c);
  struct meta_object o1 = obj("one", a, 100);
  ASSERT_EQ(meta_object_put(m, &o1), 0);   /* before the space: counted when it is made */
  struct meta_space sp = {.kind = "project", .id = "proj", .system = "cairn", .bucket = "proj", .quota_bytes = 200};
  ASSERT_EQ(meta_space_put(m, &sp), 0);
  ASSERT_EQ(used(m), 100);
  struct meta_object o2 = obj("two", both, 150);
  ASSERT_EQ(meta_object_put(m, &o2), 0);
  ASSERT_EQ(used(m), 150);                 /* block 1 counted once */
  char big[80];
  snprintf(big, sizeof big, "%064d+60\n", 3);
  struct meta_object o3 = obj("three", big, 60);
  ASSERT_EQ(meta_object_put(m, &o3), CAIRN_EQUOTA);
  ASSERT_EQ(used(m), 150);
  struct meta_object probe;
  ASSERT_EQ(meta_object_get(m, "proj", "three", &probe), CAIRN_ENOSUCHKEY);   /* nothing written */
  ASSERT_EQ(meta_object_delete(m, "proj", "two"), 0);
  ASSERT_EQ(used(m), 100);                 /* block 2 gone, block 1 still used by "one" */
  ASSERT_EQ(meta_object_put(m, &o3), 0);
  ASSERT_EQ(used(m), 160);
  struct meta_object o3b = obj("three", a, 100);   /* a replacement: its old blocks leave */
  ASSERT_EQ(meta_object_put(m, &o3b), 0);
  ASSERT_EQ(used(m), 100);
  ASSERT_EQ(meta_object_delete(m, "proj", "one"), 0);
  ASSERT_EQ(meta_object_delete(m, "proj", "three"), 0);
  ASSERT_EQ(used(m), 0);
  /* versions: an older version still counts until it is deleted */
  ASSERT_EQ(meta_bucket_config_set(m, "proj", "versioning", "Enabled"), 0);
  struct meta_object v1 = obj("v", a, 100), v2 = obj("v", c, 50);
  snprintf(v1.version_id, sizeof v1.version_id, "%032d", 1);
  snprintf(v2.version_id, sizeof v2.version_id, "%032d", 2);
  ASSERT_EQ(meta_object_put_version(m, &v1), 0);
  ASSERT_EQ(meta_object_put_version(m, &v2), 0);
  ASSERT_EQ(used(m), 150);
  int was;
  ASSERT_EQ(meta_object_version_delete(m, "proj", "v", v1.version_id, &was), 0);
  ASSERT_EQ(used(m), 50);
  meta_close(m);
}

void suite_spaces(void) { RUN(usage_and_quota); }
