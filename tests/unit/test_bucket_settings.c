/* test_bucket_settings.c - public access block and ownership controls without a server: what a
 * public policy is, and how the settings change authorization (authz.c) and which ACLs they refuse
 * (buckets.c, through the service). */
#include "test.h"
#include "service/authz.h"
#include "service/bucket_settings.h"
#include "util/err.h"

static void public_policies(void) {
  ASSERT_EQ(policy_is_public("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\"}]}"), 1);
  ASSERT_EQ(policy_is_public("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"bob\",\"*\"]},\"Action\":\"s3:*\"}}"), 1);
  ASSERT_EQ(policy_is_public("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                             "\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}}]}"), 0);
  ASSERT_EQ(policy_is_public("{\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\"}]}"), 0);
  ASSERT_EQ(policy_is_public("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"bob\"},\"Action\":\"s3:*\"}]}"), 0);
  ASSERT_EQ(policy_is_public("not json"), 0);
  struct access_block a;
  access_block_of("{\"BlockPublicAcls\":true,\"RestrictPublicBuckets\":true}", &a);
  ASSERT(a.block_acls && !a.ignore_acls && !a.block_policy && a.restrict_buckets);
  access_block_of(NULL, &a);
  ASSERT(!a.block_acls && !a.restrict_buckets);
  ASSERT_EQ(ownership_enforced("{\"ObjectOwnership\":\"BucketOwnerEnforced\"}"), 1);
  ASSERT_EQ(ownership_enforced("{\"ObjectOwnership\":\"ObjectWriter\"}"), 0);
}

static void restrict_public(void) {
  const struct principal anon = {PRINCIPAL_ANONYMOUS, "", NULL}, bob = {PRINCIPAL_USER, "bob", NULL};
  struct authz_bucket b = {"b", "alice", "public-read", NULL, NULL, 0};
  ASSERT_EQ(authz_bucket(&anon, AZ_GET_OBJECT, &b, "k", NULL), 0);
  b.acl = "private";   /* what IgnorePublicAcls makes of it */
  ASSERT_EQ(authz_bucket(&anon, AZ_GET_OBJECT, &b, "k", NULL), CAIRN_EAUTH);
  ASSERT_EQ(authz_bucket(&bob, AZ_GET_OBJECT, &b, "k", NULL), CAIRN_EAUTH);
}

void suite_bucket_settings(void) { RUN(public_policies); RUN(restrict_public); }
