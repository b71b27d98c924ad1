/* fuzz_dsmanifest.c - libFuzzer target: dataset manifests. A manifest that parses encodes to a
 * canonical form that parses again to the same encoding. */
#include "dataset/dsmanifest.h"
#include "util/alloc.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct ds_manifest m, m2;
  const char *why;
  if (dsm_parse((const char *)data, size, &m, &why)) return 0;
  char *e = dsm_encode(&m);
  if (dsm_parse(e, strlen(e), &m2, &why)) abort();
  char *e2 = dsm_encode(&m2);
  if (strcmp(e, e2)) abort();
  xfree(e); xfree(e2);
  dsm_free(&m); dsm_free(&m2);
  return 0;
}
