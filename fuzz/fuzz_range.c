/* fuzz_range.c - libFuzzer target: Range header parsing; checks the answer stays in bounds. */
#include "http/range.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  uint64_t total = (uint64_t)data[0] << 8 | data[1];
  char *s = malloc(size - 1);
  memcpy(s, data + 2, size - 2);
  s[size - 2] = 0;
  uint64_t start, len;
  if (range_parse(s, total, &start, &len) == RANGE_OK && (len == 0 || start + len > total)) abort();
  free(s);
  return 0;
}
