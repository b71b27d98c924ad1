/* fuzz_sigv2.c - libFuzzer target: SigV2 parsing of the Authorization header and presigned query,
 * and the canonicalized resource of any path and query; a parsed presigned query is complete. */
#include "crypto/sigv2.h"
#include "util/alloc.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  memcpy(s, data, size);
  s[size] = 0;
  struct sigv2_auth a;
  if (!sigv2_parse_authorization(s, &a) && (!a.access_key[0] || !a.signature[0])) abort();
  if (!sigv2_parse_presigned(s, &a) && (!a.presigned || !a.access_key[0] || !a.signature[0] || a.expires < 0)) abort();
  char *q = strchr(s, '?');
  if (q) *q++ = 0;
  char *r = sigv2_canonical_resource("/b", s, q ? q : "");
  if (r && strncmp(r, "/b", 2)) abort();
  xfree(r);
  free(s);
  return 0;
}
