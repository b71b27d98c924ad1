/* test_post_policy.c - POST Object policy documents without a server: each condition form, the
 * rule that every form field is named by a condition, expiry, and malformed policies. */
#include "test.h"
#include "service/post_policy.h"
#include "util/err.h"
#include <string.h>

#define NOW 1795957200   /* 2026-11-29T13:00:00Z */

static int check(const char *policy, const struct post_field *f, size_t n, int64_t *mn, int64_t *mx) {
  const char *why;
  int64_t a, b;
  return post_policy_check(policy, strlen(policy), "forms", f, n, NOW, mn ? mn : &a, mx ? mx : &b, &why);
}

static void conditions(void) {
  const struct post_field f[] = {{"key", "up/a.jpg"}, {"Content-Type", "image/jpeg"}, {"policy", "x"},
                                 {"x-amz-signature", "s"}, {"x-ignore-me", "1"}};
  const char *p = "{\"expiration\":\"2026-11-29T14:00:00.000Z\",\"conditions\":[{\"bucket\":\"forms\"},"
                  "[\"starts-with\",\"$key\",\"up/\"],[\"eq\",\"$Content-Type\",\"image/jpeg\"],[\"content-length-range\",1,10]]}";
  int64_t mn, mx;
  ASSERT_EQ(check(p, f, 5, &mn, &mx), 0);
  ASSERT_EQ(mn, 1);
  ASSERT_EQ(mx, 10);
  ASSERT_EQ(check("{\"expiration\":\"2026-11-29T14:00:00Z\",\"conditions\":[{\"bucket\":\"other\"},"
                  "[\"starts-with\",\"$key\",\"\"],[\"starts-with\",\"$Content-Type\",\"\"]]}", f, 5, NULL, NULL), CAIRN_EAUTH);
  ASSERT_EQ(check("{\"expiration\":\"2026-11-29T14:00:00Z\",\"conditions\":[[\"starts-with\",\"$key\",\"down/\"],"
                  "[\"starts-with\",\"$Content-Type\",\"\"]]}", f, 5, NULL, NULL), CAIRN_EAUTH);
  /* Content-Type is not named by any condition */
  ASSERT_EQ(check("{\"expiration\":\"2026-11-29T14:00:00Z\",\"conditions\":[[\"starts-with\",\"$key\",\"\"]]}", f, 5, NULL, NULL), CAIRN_EAUTH);
  /* expired */
  ASSERT_EQ(check("{\"expiration\":\"2026-11-29T12:59:59Z\",\"conditions\":[[\"starts-with\",\"$key\",\"\"],"
                  "[\"starts-with\",\"$Content-Type\",\"\"]]}", f, 5, NULL, NULL), CAIRN_EAUTH);
}

static void malformed(void) {
  const struct post_field f[] = {{"key", "k"}};
  ASSERT_EQ(check("not json", f, 1, NULL, NULL), CAIRN_EINVAL);
  ASSERT_EQ(check("{\"conditions\":[]}", f, 1, NULL, NULL), CAIRN_EINVAL);
  ASSERT_EQ(check("{\"expiration\":\"tomorrow\",\"conditions\":[]}", f, 1, NULL, NULL), CAIRN_EINVAL);
  ASSERT_EQ(check("{\"expiration\":\"2026-11-29T14:00:00Z\",\"conditions\":[[\"matches\",\"$key\",\"k\"]]}", f, 1, NULL, NULL), CAIRN_EINVAL);
  ASSERT_EQ(check("{\"expiration\":\"2026-11-29T14:00:00Z\",\"conditions\":[[\"content-length-range\",5,1]]}", f, 1, NULL, NULL), CAIRN_EINVAL);
  ASSERT_EQ(check("{\"expiration\":\"2026-11-29T14:00:00Z\",\"conditions\":[[\"eq\",\"key\",\"k\"]]}", f, 1, NULL, NULL), CAIRN_EINVAL);
  ASSERT_EQ(check("{\"expiration\":\"2026-11-29T14:00:00Z\",\"conditions\":[{\"key\":\"k\",\"acl\":\"x\"}]}", f, 1, NULL, NULL), CAIRN_EINVAL);
  ASSERT_EQ(check("{\"expiration\":\"2026-11-29T14:00:00Z\",\"expiration\":\"2030-01-01T00:00:00Z\",\"conditions\":[]}", f, 1, NULL, NULL), CAIRN_EINVAL);
}

void suite_post_policy(void) { RUN(conditions); RUN(malformed); }
