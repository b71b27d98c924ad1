/* fuzz_locator.c - libFuzzer target: block locator parsing and signature verification. */
#include "store/locator.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  memcpy(s, data, size);
  s[size] = 0;
  struct locator l;
  static const uint8_t key[32] = {1};
  if (locator_parse(s, &l) == 0 && l.is_signed) locator_verify(key, &l, 1700000000);
  free(s);
  return 0;
}
