/* fuzz_policy.c - libFuzzer target: the bucket policy parser (service/policy.c) and, for every
 * policy it accepts, evaluation of each action for a user and an anonymous caller. */
#include "service/authz.h"
#include "service/policy.h"
#include "util/err.h"
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct policy *p;
  const char *why;
  if (policy_parse((const char *)data, size, "bkt", &p, &why)) {
    if (!why) abort();   /* every refusal says why */
    return 0;
  }
  const struct principal who[] = {{PRINCIPAL_USER, "bob", "10.0.0.1"}, {PRINCIPAL_ANONYMOUS, "", "::1"},
                                  {PRINCIPAL_USER, "alice", NULL}};
  struct authz_bucket b = {"bkt", "alice", "private", "{\"bob\":[\"READ\"]}", p, 0};
  for (int a = 0; a < AZ_COUNT_; a++)
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
      int e = policy_eval(p, &who[i], (enum authz_action)a, "bkt", "some/key", "some/");
      if (e < -1 || e > 1) abort();
      int rc = authz_bucket(&who[i], (enum authz_action)a, &b, "some/key", "some/");
      if (rc && rc != CAIRN_EAUTH) abort();
      if (e < 0 && !rc) abort();   /* a matching Deny always wins */
    }
  policy_free(p);
  return 0;
}
