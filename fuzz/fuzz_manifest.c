/* fuzz_manifest.c - libFuzzer target: manifest parsing, re-encoding round trip, range lookup. */
#include "chunk/manifest.h"
#include "util/alloc.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct manifest m, again;
  if (manifest_parse((const char *)data, size, 10000, &m)) return 0;
  char *enc = manifest_encode(&m);
  if (manifest_parse(enc, strlen(enc), 10000, &again) || again.total != m.total || again.n != m.n) abort();
  for (uint64_t off = 0; off < m.total && off < 1000; off += 7) {
    size_t i = manifest_find(&m, off);
    if (i >= m.n || off < m.b[i].offset || off >= m.b[i].offset + m.b[i].size) abort();
  }
  xfree(enc);
  manifest_free(&m);
  manifest_free(&again);
  return 0;
}
