/* test_versions.c - object versioning in the service layer without a server: version ids, the
 * current version after puts and deletes, delete markers, Suspended null versions, the version
 * listing and its markers, who may read and delete versions, and the lifecycle of old versions. */
#include "test.h"
#include "fixture.h"
#include "service/admin.h"
#include "service/buckets.h"
#include "service/lifecycle.h"
#include "service/objects.h"
#include "service/svc_internal.h"
#include "util/alloc.h"
#include "util/err.h"
#include "util/timeutil.h"
#include <stdio.h>
#include <string.h>

static const struct principal alice = {PRINCIPAL_USER, "alice", NULL};
static const struct principal bob = {PRINCIPAL_USER, "bob", NULL};
static struct config cfg;

static svc_t *open_svc(void) { return fixture_svc_open(&cfg, "4"); }

/* Puts data at bucket/key as alice; *vid gets the version id. */
static int put(svc_t *s, const char *bucket, const char *key, const char *data, char vid[40]) {
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
  int rc = svc_object_put(s, &alice, &o);
  if (vid) snprintf(vid, 40, "%s", o.version_id);
  return rc;
}

/* The bytes of a version (vid NULL: current) into out, or the error. */
static int get(svc_t *s, const char *key, const char *vid, char *out, size_t cap) {
  struct meta_object o = {0};
  int rc = svc_object_get_expiring(s, &alice, AZ_GET_OBJECT, "vbk", key, vid, &o, NULL, 0);
  if (!rc) snprintf(out, cap, "%.*s", (int)o.size, o.data ? (const char *)o.data : "");
  meta_object_clear(&o);
  return rc;
}

struct seen { char rows[16][64]; int n; };
static int seen_cb(void *ctx, const struct meta_object *o) {
  struct seen *v = ctx;
  if (v->n < 16) snprintf(v->rows[v->n++], 64, "%s%s%s", o->key, o->delete_marker ? ":marker" : "", o->is_latest ? ":latest" : "");
  return 0;
}
static int stop_after_two(void *ctx, const struct meta_object *o) { seen_cb(ctx, o); return ((struct seen *)ctx)->n == 2; }

static void enabled(void) {
  svc_t *s = open_svc();
  ASSERT(s);
  char v0[40], v1[40], v2[40], buf[64];
  ASSERT_EQ(svc_bucket_create(s, &alice, "vbk", NULL), 0);
  ASSERT_EQ(put(s, "vbk", "k", "zero", v0), 0);   /* before versioning: the null version */
  ASSERT_STREQ(v0, "null");
  ASSERT_EQ(svc_bucket_versioning_set(s, &bob, "vbk", "Enabled"), CAIRN_EAUTH);
  ASSERT_EQ(svc_bucket_versioning_set(s, &alice, "vbk", "Sometimes"), CAIRN_EMALFORMEDXML);
  ASSERT_EQ(svc_bucket_versioning_set(s, &alice, "vbk", "Enabled"), 0);
  ASSERT_EQ(put(s, "vbk", "k", "one", v1), 0);
  ASSERT_EQ(put(s, "vbk", "k", "two", v2), 0);
  ASSERT_EQ((int)strlen(v1), VERSION_ID_LEN);
  ASSERT(strcmp(v1, v2) != 0);
  ASSERT_EQ(get(s, "k", NULL, buf, sizeof buf), 0);
  ASSERT_STREQ(buf, "two");
  ASSERT_EQ(get(s, "k", v1, buf, sizeof buf), 0);
  ASSERT_STREQ(buf, "one");
  ASSERT_EQ(get(s, "k", "null", buf, sizeof buf), 0);
  ASSERT_STREQ(buf, "zero");
  ASSERT_EQ(get(s, "k", "0123456789abcdef0123456789abcdef", buf, sizeof buf), CAIRN_ENOSUCHVERSION);
  ASSERT_EQ(get(s, "k", "../etc", buf, sizeof buf), CAIRN_EVERSIONID);
  /* a delete without a version id: a marker hides the key, nothing is lost */
  struct svc_deleted d;
  ASSERT_EQ(svc_object_delete(s, &bob, "vbk", "k", NULL, &d), CAIRN_EAUTH);
  ASSERT_EQ(svc_object_delete(s, &alice, "vbk", "k", NULL, &d), 0);
  ASSERT_EQ(d.delete_marker, 1);
  char marker[40];
  snprintf(marker, sizeof marker, "%s", d.version_id);
  struct meta_object o = {0};
  ASSERT_EQ(svc_object_get_expiring(s, &alice, AZ_GET_OBJECT, "vbk", "k", NULL, &o, NULL, 0), CAIRN_ENOSUCHKEY);
  ASSERT_EQ(o.delete_marker, 1);
  ASSERT_STREQ(o.version_id, marker);
  meta_object_clear(&o);
  ASSERT_EQ(svc_object_get_expiring(s, &alice, AZ_GET_OBJECT, "vbk", "k", marker, &o, NULL, 0), CAIRN_EMETHOD);
  meta_object_clear(&o);
  ASSERT_EQ(get(s, "k", v2, buf, sizeof buf), 0);
  ASSERT_STREQ(buf, "two");
  /* the listing: newest first, the marker latest */
  ASSERT_EQ(put(s, "vbk", "j", "other", NULL), 0);
  struct seen v = {0};
  ASSERT_EQ(svc_object_versions_list(s, &bob, "vbk", "", NULL, "", NULL, seen_cb, &v, NULL), CAIRN_EAUTH);
  ASSERT_EQ(svc_object_versions_list(s, &alice, "vbk", "", NULL, "", NULL, seen_cb, &v, NULL), 0);
  ASSERT_EQ(v.n, 5);
  ASSERT_STREQ(v.rows[0], "j:latest");
  ASSERT_STREQ(v.rows[1], "k:marker:latest");
  ASSERT_STREQ(v.rows[2], "k");
  ASSERT_STREQ(v.rows[4], "k");
  struct seen w = {0};   /* resuming after v2 of k: only the null version is older */
  ASSERT_EQ(svc_object_versions_list(s, &alice, "vbk", "", NULL, "k", v2, seen_cb, &w, NULL), 0);
  ASSERT_EQ(w.n, 2);
  ASSERT_EQ(svc_object_versions_list(s, &alice, "vbk", "", NULL, "k", "ffffffffffffffffffffffffffffffff", seen_cb, &w, NULL), CAIRN_EVERSIONID);
  struct seen x = {0};
  ASSERT_EQ(svc_object_versions_list(s, &alice, "vbk", "", NULL, "", NULL, stop_after_two, &x, NULL), 1);
  /* deleting the marker brings v2 back; deleting v2 makes v1 current */
  ASSERT_EQ(svc_object_delete(s, &alice, "vbk", "k", marker, &d), 0);
  ASSERT_EQ(d.delete_marker, 1);
  ASSERT_EQ(get(s, "k", NULL, buf, sizeof buf), 0);
  ASSERT_STREQ(buf, "two");
  ASSERT_EQ(svc_object_delete(s, &alice, "vbk", "k", v2, &d), 0);
  ASSERT_EQ(d.delete_marker, 0);
  ASSERT_EQ(get(s, "k", NULL, buf, sizeof buf), 0);
  ASSERT_STREQ(buf, "one");
  ASSERT_EQ(get(s, "k", v2, buf, sizeof buf), CAIRN_ENOSUCHVERSION);
  ASSERT_EQ(svc_object_delete(s, &alice, "vbk", "k", v2, &d), 0);   /* gone already: still fine */
  /* a bucket with versions left is not empty */
  ASSERT_EQ(svc_object_delete(s, &alice, "vbk", "j", NULL, &d), 0);
  ASSERT_EQ(svc_object_delete(s, &alice, "vbk", "k", NULL, &d), 0);
  ASSERT_EQ(svc_bucket_delete(s, &alice, "vbk"), CAIRN_EBUCKETNOTEMPTY);
  svc_close(s);
  config_free(&cfg);
}

static void suspended(void) {
  svc_t *s = open_svc();
  ASSERT(s);
  char v1[40], n1[40], n2[40], buf[64];
  ASSERT_EQ(svc_bucket_create(s, &alice, "vbk", NULL), 0);
  ASSERT_EQ(svc_bucket_versioning_set(s, &alice, "vbk", "Enabled"), 0);
  ASSERT_EQ(put(s, "vbk", "k", "one", v1), 0);
  ASSERT_EQ(svc_bucket_versioning_set(s, &alice, "vbk", "Suspended"), 0);
  ASSERT_EQ(put(s, "vbk", "k", "two", n1), 0);
  ASSERT_STREQ(n1, "null");
  ASSERT_EQ(put(s, "vbk", "k", "three", n2), 0);   /* replaces the null version, keeps v1 */
  struct seen v = {0};
  ASSERT_EQ(svc_object_versions_list(s, &alice, "vbk", "", NULL, "", NULL, seen_cb, &v, NULL), 0);
  ASSERT_EQ(v.n, 2);
  ASSERT_EQ(get(s, "k", "null", buf, sizeof buf), 0);
  ASSERT_STREQ(buf, "three");
  ASSERT_EQ(get(s, "k", v1, buf, sizeof buf), 0);
  ASSERT_STREQ(buf, "one");
  struct svc_deleted d;   /* a null delete marker replaces the null version */
  ASSERT_EQ(svc_object_delete(s, &alice, "vbk", "k", NULL, &d), 0);
  ASSERT_STREQ(d.version_id, "null");
  ASSERT_EQ(d.delete_marker, 1);
  struct seen w = {0};
  ASSERT_EQ(svc_object_versions_list(s, &alice, "vbk", "", NULL, "", NULL, seen_cb, &w, NULL), 0);
  ASSERT_EQ(w.n, 2);
  ASSERT_STREQ(w.rows[0], "k:marker:latest");
  svc_close(s);
  config_free(&cfg);
}

/* NoncurrentDays removes old versions; ExpiredObjectDeleteMarker removes a marker left alone. */
static void lifecycle_of_versions(void) {
  svc_t *s = open_svc();
  ASSERT(s);
  ASSERT_EQ(svc_bucket_create(s, &alice, "vbk", NULL), 0);
  ASSERT_EQ(svc_bucket_versioning_set(s, &alice, "vbk", "Enabled"), 0);
  char v1[40], buf[64];
  ASSERT_EQ(put(s, "vbk", "k", "one", v1), 0);
  ASSERT_EQ(put(s, "vbk", "k", "two", NULL), 0);
  ASSERT_EQ(put(s, "vbk", "gone", "x", NULL), 0);
  struct svc_deleted d;
  ASSERT_EQ(svc_object_delete(s, &alice, "vbk", "gone", NULL, &d), 0);
  const char *why;
  char *rules = NULL;
  const char *xml = "<LifecycleConfiguration><Rule><ID>r</ID><Status>Enabled</Status><Filter/>"
                    "<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>"
                    "<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration>"
                    "</Rule></LifecycleConfiguration>";
  ASSERT_EQ(lifecycle_parse(xml, strlen(xml), &rules, &why), 0);
  ASSERT(rules);
  ASSERT_EQ(meta_lifecycle_set(s->meta, "vbk", rules), 0);
  int deleted, aborted;
  ASSERT_EQ(lifecycle_sweep(s->meta, 86400000, &deleted, &aborted), 0);   /* a real day: nothing is due yet */
  ASSERT_EQ(deleted, 0);
  ASSERT_EQ(lifecycle_sweep(s->meta, 1, &deleted, &aborted), 0);          /* a day of 1 ms: all is due */
  ASSERT_EQ(deleted, 2);   /* v1 of k, "x" of gone; then gone's marker is alone */
  ASSERT_EQ(get(s, "k", v1, buf, sizeof buf), CAIRN_ENOSUCHVERSION);
  ASSERT_EQ(get(s, "k", NULL, buf, sizeof buf), 0);
  ASSERT_STREQ(buf, "two");
  ASSERT_EQ(lifecycle_sweep(s->meta, 1, &deleted, &aborted), 0);
  ASSERT_EQ(deleted, 1);   /* the lone marker */
  struct seen v = {0};
  ASSERT_EQ(svc_object_versions_list(s, &alice, "vbk", "", NULL, "", NULL, seen_cb, &v, NULL), 0);
  ASSERT_EQ(v.n, 1);
  ASSERT_STREQ(v.rows[0], "k:latest");
  xfree(rules);
  svc_close(s);
  config_free(&cfg);
}

void suite_versions(void) { RUN(enabled); RUN(suspended); RUN(lifecycle_of_versions); }
