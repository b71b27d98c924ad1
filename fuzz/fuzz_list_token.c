/* fuzz_list_token.c - libFuzzer target: the listing continuation token (base64 of a key). A
 * decoded token must encode and decode back to the same bytes. */
#include "util/alloc.h"
#include "util/base64.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *t = xmalloc(size + 1);
  memcpy(t, data, size);
  t[size] = 0;
  size_t n, m;
  unsigned char *d = base64_decode(t, 4096, &n);
  if (d) {
    char *e = base64_encode(d, n);
    unsigned char *d2 = base64_decode(e, 8192, &m);
    if (!d2 || m != n || memcmp(d, d2, n)) abort();
    xfree(d2);
    xfree(e);
    xfree(d);
  }
  xfree(t);
  return 0;
}
