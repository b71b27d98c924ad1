/* test_lifecycle.c - lifecycle rules and tags without a server: what S3 refuses (rule IDs,
 * Status, Days, Date, tag limits), the legacy <Prefix> form round trip, and the expiry S3 reports
 * in x-amz-expiration. */
#include "test.h"
#include "service/lifecycle.h"
#include "util/alloc.h"
#include "util/err.h"
#include <string.h>

#define RULE(body) "<LifecycleConfiguration><Rule>" body "</Rule></LifecycleConfiguration>"

static int parse(const char *xml) {
  char *rules = NULL;
  const char *why;
  int rc = lifecycle_parse(xml, strlen(xml), &rules, &why);
  xfree(rules);
  return rc;
}

static void rules_refused(void) {
  ASSERT_EQ(parse(RULE("<ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration>")), 0);
  ASSERT_EQ(parse(RULE("<ID>a</ID><Filter/><Status>enabled</Status><Expiration><Days>1</Days></Expiration>")), CAIRN_EMALFORMEDXML);
  ASSERT_EQ(parse(RULE("<ID>a</ID><Filter/><Expiration><Days>1</Days></Expiration>")), CAIRN_EMALFORMEDXML);
  ASSERT_EQ(parse(RULE("<ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Days>0</Days></Expiration>")), CAIRN_EINVAL);
  ASSERT_EQ(parse(RULE("<ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Days>-3</Days></Expiration>")), CAIRN_EINVAL);
  ASSERT_EQ(parse(RULE("<ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Days>2x</Days></Expiration>")), CAIRN_EINVAL);
  ASSERT_EQ(parse(RULE("<ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Date>2030-01-01T00:00:00Z</Date></Expiration>")), 0);
  ASSERT_EQ(parse(RULE("<ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Date>2030-01-01T00:00:01Z</Date></Expiration>")), CAIRN_EINVAL);
  ASSERT_EQ(parse(RULE("<ID>a</ID><Filter/><Status>Enabled</Status>")), CAIRN_EINVAL);   /* no action */
  ASSERT_EQ(parse(RULE("<ID>a</ID><Filter/><Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>3</NoncurrentDays></NoncurrentVersionExpiration>")), 0);
  ASSERT_EQ(parse(RULE("<ID>a</ID><Filter/><Status>Enabled</Status><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>")), 0);
  ASSERT_EQ(parse(RULE("<ID>a</ID><Filter/><Status>Enabled</Status><Transition><Days>3</Days><StorageClass>GLACIER</StorageClass></Transition>")), CAIRN_ENOTIMPL);
  ASSERT_EQ(parse(RULE("<ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration><Colour>red</Colour>")), CAIRN_EMALFORMEDXML);
  char id[300];
  memset(id, 'x', 256);
  id[256] = 0;
  char xml[600];
  snprintf(xml, sizeof xml, RULE("<ID>%s</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration>"), id);
  ASSERT_EQ(parse(xml), CAIRN_EINVAL);
  ASSERT_EQ(parse("<LifecycleConfiguration><Rule><ID>a</ID><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>"
                  "<Rule><ID>a</ID><Status>Enabled</Status><Expiration><Days>2</Days></Expiration></Rule></LifecycleConfiguration>"),
            CAIRN_EINVAL);
}

static void legacy_and_expiry(void) {
  const char *xml = RULE("<ID>old</ID><Prefix>logs/</Prefix><Status>Enabled</Status><Expiration><Days>2</Days></Expiration>");
  char *rules = NULL;
  const char *why;
  ASSERT_EQ(lifecycle_parse(xml, strlen(xml), &rules, &why), 0);
  char *back = lifecycle_to_xml(rules);
  ASSERT(strstr(back, "<Rule><ID>old</ID><Prefix>logs/</Prefix><Status>Enabled</Status>") != NULL);
  ASSERT(strstr(back, "<Filter>") == NULL);
  xfree(back);
  int64_t at = 0;
  char rid[256];
  /* created 2026-11-29 13:00 UTC + 2 days -> the next midnight, 2026-12-02 00:00 UTC */
  ASSERT_EQ(lifecycle_expiration(rules, "logs/a", "{}", 1795957200000LL, 86400000, &at, rid), 1);
  ASSERT_EQ(at, 1796169600000LL);
  ASSERT_STREQ(rid, "old");
  ASSERT_EQ(lifecycle_expiration(rules, "other/a", "{}", 1795957200000LL, 86400000, &at, rid), 0);
  xfree(rules);
}

static void tag_limits(void) {
  char *j = NULL;
  ASSERT_EQ(tags_from_query("a=1&b=2", &j), 0);
  ASSERT_STREQ(j, "{\"a\":\"1\",\"b\":\"2\"}");
  xfree(j);
  ASSERT_EQ(tags_from_query("a=1&a=2", &j), CAIRN_EINVALIDTAG);
  ASSERT_EQ(tags_from_query("k0=&k1=&k2=&k3=&k4=&k5=&k6=&k7=&k8=&k9=&k10=", &j), CAIRN_EINVALIDTAG);
  char q[400] = "";
  memset(q, 'k', 129);
  strcpy(q + 129, "=v");
  ASSERT_EQ(tags_from_query(q, &j), CAIRN_EINVALIDTAG);
  const char *x = "<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag><Tag><Key>k</Key><Value>w</Value></Tag></TagSet></Tagging>";
  ASSERT_EQ(tags_from_xml(x, strlen(x), &j), CAIRN_EINVALIDTAG);
}

void suite_lifecycle(void) { RUN(rules_refused); RUN(legacy_and_expiry); RUN(tag_limits); }
