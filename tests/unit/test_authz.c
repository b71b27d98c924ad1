/* test_authz.c - the authorization decision (service/authz.c) and bucket policies
 * (service/policy.c): owners, admins, canned ACLs, grants, Allow and Deny statements, conditions. */
#include "test.h"
#include "service/authz.h"
#include "service/policy.h"
#include "util/err.h"
#include <string.h>

static const struct principal admin = {PRINCIPAL_ADMIN, "root", "127.0.0.1"};
static const struct principal alice = {PRINCIPAL_USER, "alice", "127.0.0.1"};
static const struct principal bob = {PRINCIPAL_USER, "bob", "10.1.2.3"};
static const struct principal anon = {PRINCIPAL_ANONYMOUS, "", "127.0.0.1"};

static void owner_admin_others(void) {
  struct authz_bucket b = {"photos", "alice", "private", NULL, NULL, 0};
  for (int a = 0; a < AZ_COUNT_; a++) {
    ASSERT_EQ(authz_bucket(&alice, (enum authz_action)a, &b, "k", NULL), 0);
    ASSERT_EQ(authz_bucket(&admin, (enum authz_action)a, &b, "k", NULL), 0);
    ASSERT_EQ(authz_bucket(&bob, (enum authz_action)a, &b, "k", NULL), CAIRN_EAUTH);
    ASSERT_EQ(authz_bucket(&anon, (enum authz_action)a, &b, "k", NULL), CAIRN_EAUTH);
  }
  struct principal nameless = {PRINCIPAL_USER, NULL, NULL};
  ASSERT_EQ(authz_bucket(&nameless, AZ_GET_OBJECT, &b, "k", NULL), CAIRN_EAUTH);
  ASSERT_EQ(authz_bucket(&bob, AZ_COUNT_, &b, "k", NULL), CAIRN_EAUTH);
}

static void canned_and_grants(void) {
  struct authz_bucket b = {"photos", "alice", "public-read", NULL, NULL, 0};
  ASSERT_EQ(authz_bucket(&anon, AZ_GET_OBJECT, &b, "k", NULL), 0);
  ASSERT_EQ(authz_bucket(&anon, AZ_LIST_BUCKET, &b, NULL, NULL), 0);
  ASSERT_EQ(authz_bucket(&anon, AZ_PUT_OBJECT, &b, "k", NULL), CAIRN_EAUTH);
  ASSERT_EQ(authz_bucket(&bob, AZ_DELETE_BUCKET, &b, NULL, NULL), CAIRN_EAUTH);
  b.acl = "public-read-write";
  ASSERT_EQ(authz_bucket(&anon, AZ_PUT_OBJECT, &b, "k", NULL), 0);
  ASSERT_EQ(authz_bucket(&anon, AZ_PUT_LIFECYCLE, &b, NULL, NULL), CAIRN_EAUTH);   /* owner only */
  b.acl = "authenticated-read";
  ASSERT_EQ(authz_bucket(&bob, AZ_GET_OBJECT, &b, "k", NULL), 0);
  ASSERT_EQ(authz_bucket(&anon, AZ_GET_OBJECT, &b, "k", NULL), CAIRN_EAUTH);
  b.acl = "private";
  b.grants = "{\"bob\":[\"WRITE\"],\"carol\":[\"FULL_CONTROL\"]}";
  ASSERT_EQ(authz_bucket(&bob, AZ_PUT_OBJECT, &b, "k", NULL), 0);
  ASSERT_EQ(authz_bucket(&bob, AZ_DELETE_OBJECT, &b, "k", NULL), 0);
  ASSERT_EQ(authz_bucket(&bob, AZ_GET_OBJECT, &b, "k", NULL), CAIRN_EAUTH);
  ASSERT_EQ(authz_bucket(&bob, AZ_PUT_ACL, &b, NULL, NULL), CAIRN_EAUTH);
  struct principal carol = {PRINCIPAL_USER, "carol", NULL};
  ASSERT_EQ(authz_bucket(&carol, AZ_PUT_ACL, &b, NULL, NULL), 0);
  ASSERT_EQ(authz_bucket(&carol, AZ_DELETE_BUCKET, &b, NULL, NULL), CAIRN_EAUTH);
  b.grants = "not json";
  ASSERT_EQ(authz_bucket(&bob, AZ_PUT_OBJECT, &b, "k", NULL), CAIRN_EAUTH);
  ASSERT_EQ(authz_acl_known("public-read"), 1);
  ASSERT_EQ(authz_acl_known("bucket-owner-full-control"), 0);
  ASSERT_EQ(authz_perm_bits("FULL_CONTROL"), ACL_FULL_CONTROL);
  ASSERT_EQ(authz_perm_bits("read"), 0);
}

static struct policy *parse(const char *json) {
  struct policy *p = NULL;
  const char *why;
  return policy_parse(json, strlen(json), "photos", &p, &why) ? NULL : p;
}

static void policies(void) {
  struct policy *p = parse(
      "{\"Version\":\"2012-10-17\",\"Statement\":["
      "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"arn:aws:iam::1:user/bob\"]},\"Action\":\"s3:Get*\","
      "\"Resource\":\"arn:aws:s3:::photos/public/*\"},"
      "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":[\"s3:ListBucket\"],\"Resource\":\"arn:aws:s3:::photos\","
      "\"Condition\":{\"StringLike\":{\"s3:prefix\":\"public/*\"}}},"
      "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::photos/secret/*\"},"
      "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"bob\"},\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::photos/*\","
      "\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"127.0.0.0/8\"}}}]}");
  ASSERT(p);
  struct authz_bucket b = {"photos", "alice", "private", NULL, p, 0};
  ASSERT_EQ(authz_bucket(&bob, AZ_GET_OBJECT, &b, "public/a.jpg", NULL), 0);
  ASSERT_EQ(authz_bucket(&bob, AZ_GET_OBJECT_TAGGING, &b, "public/a.jpg", NULL), 0);
  ASSERT_EQ(authz_bucket(&bob, AZ_GET_OBJECT, &b, "private/a.jpg", NULL), CAIRN_EAUTH);
  ASSERT_EQ(authz_bucket(&anon, AZ_GET_OBJECT, &b, "public/a.jpg", NULL), CAIRN_EAUTH);
  ASSERT_EQ(authz_bucket(&anon, AZ_LIST_BUCKET, &b, NULL, "public/x"), 0);
  ASSERT_EQ(authz_bucket(&anon, AZ_LIST_BUCKET, &b, NULL, ""), CAIRN_EAUTH);
  ASSERT_EQ(authz_bucket(&alice, AZ_GET_OBJECT, &b, "secret/x", NULL), CAIRN_EAUTH);   /* Deny beats the owner */
  ASSERT_EQ(authz_bucket(&admin, AZ_GET_OBJECT, &b, "secret/x", NULL), 0);
  ASSERT_EQ(authz_bucket(&bob, AZ_PUT_OBJECT, &b, "up/x", NULL), CAIRN_EAUTH);         /* bob is at 10.1.2.3 */
  struct principal bob_local = {PRINCIPAL_USER, "bob", "127.0.0.9"};
  ASSERT_EQ(authz_bucket(&bob_local, AZ_PUT_OBJECT, &b, "up/x", NULL), 0);
  policy_free(p);
  p = parse("{\"Statement\":{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
            "\"Resource\":\"arn:aws:s3:::photos/*\",\"Condition\":{\"NotIpAddress\":{\"aws:SourceIp\":[\"::1/128\",\"127.0.0.1\"]}}}}");
  ASSERT(p);
  b.policy = p;
  ASSERT_EQ(authz_bucket(&alice, AZ_GET_OBJECT, &b, "k", NULL), 0);
  ASSERT_EQ(authz_bucket(&bob, AZ_GET_OBJECT, &b, "k", NULL), CAIRN_EAUTH);
  policy_free(p);
}

static void bad_policies(void) {
  const char *bad[] = {
    "", "[]", "{\"Statement\":[]}", "{\"Version\":\"x\"}",
    "{\"Statement\":[{\"Effect\":\"Maybe\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::photos\"}]}",
    "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"NotAction\":\"s3:*\",\"Resource\":\"arn:aws:s3:::photos\"}]}",
    "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::other/*\"}]}",
    "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::photosx\"}]}",
    "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"ec2:*\",\"Resource\":\"arn:aws:s3:::photos\"}]}",
    "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:Fly\",\"Resource\":\"arn:aws:s3:::photos\"}]}",
    "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"bob\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::photos\"}]}",
    "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::1:root\"},\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::photos\"}]}",
    "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::photos\","
    "\"Condition\":{\"DateGreaterThan\":{\"aws:CurrentTime\":\"2020\"}}}]}",
    "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::photos\","
    "\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"300.1.1.1/8\"}}}]}",
    "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::photos\","
    "\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/33\"}}}]}",
    "{\"Statement\":[],\"Statement\":[]}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) ASSERT(parse(bad[i]) == NULL);
}

static void globs(void) {
  ASSERT_EQ(policy_glob("s3:*", "s3:GetObject"), 1);
  ASSERT_EQ(policy_glob("s3:Get*", "s3:PutObject"), 0);
  ASSERT_EQ(policy_glob("a?c", "abc"), 1);
  ASSERT_EQ(policy_glob("a*b*c", "axxbyyc"), 1);
  ASSERT_EQ(policy_glob("a*b*c", "axxbyy"), 0);
  ASSERT_EQ(policy_glob("", ""), 1);
  ASSERT_EQ(policy_glob("*", ""), 1);
}

static void datasets(void) {
  ASSERT_EQ(authz_dataset(&alice, 1, "alice", 0), 0);
  ASSERT_EQ(authz_dataset(&bob, 0, "alice", 0), CAIRN_EAUTH);
  ASSERT_EQ(authz_dataset(&bob, 0, "alice", 1), 0);
  ASSERT_EQ(authz_dataset(&bob, 1, "alice", 1), CAIRN_EAUTH);
  ASSERT_EQ(authz_dataset(&anon, 0, "alice", 1), 0);
  ASSERT_EQ(authz_dataset(&anon, 1, "alice", 1), CAIRN_EAUTH);
  ASSERT_EQ(authz_dataset(&admin, 1, "", 0), 0);
  ASSERT_EQ(authz_dataset(&alice, 1, "", 0), CAIRN_EAUTH);   /* no owner: admins only */
}

void suite_authz(void) { RUN(owner_admin_others); RUN(canned_and_grants); RUN(policies); RUN(bad_policies); RUN(globs); RUN(datasets); }
