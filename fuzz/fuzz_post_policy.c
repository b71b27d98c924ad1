/* fuzz_post_policy.c - libFuzzer target: POST Object policy documents against a fixed form. */
#include "service/post_policy.h"
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const struct post_field f[] = {{"key", "up/a.jpg"}, {"Content-Type", "image/jpeg"}, {"x-amz-meta-a", ""}};
  const char *why;
  int64_t mn, mx;
  if (!post_policy_check((const char *)data, size, "forms", f, 3, 1795957200, &mn, &mx, &why) && mn > mx) abort();
  return 0;
}
