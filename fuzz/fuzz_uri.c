/* fuzz_uri.c - libFuzzer target: strict path decoding (http/uri.c). Checks that an accepted path
 * decodes to valid UTF-8 without NUL or control characters and is never longer than its input. */
#include "http/uri.h"
#include "util/err.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *out = malloc(size + 1), *q = malloc(size + 1);
  const char *why;
  if (!uri_decode_strict((const char *)data, size, out, &why)) {
    size_t n = strlen(out);
    if (n > size || !uri_text_ok(out, n)) abort();
  } else if (!why) {
    abort();
  }
  memcpy(q, data, size);
  q[size] = 0;
  if (uri_query_ok(q, &why) && !why) abort();
  free(out);
  free(q);
  return 0;
}
