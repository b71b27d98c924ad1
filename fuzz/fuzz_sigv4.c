/* fuzz_sigv4.c - libFuzzer target: Authorization header and presigned query parsing, canonical
 * URI and query construction (the SigV4 surface that sees untrusted input). */
#include "crypto/sigv4.h"
#include "util/alloc.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *no_header(void *ctx, const char *name) { (void)ctx; (void)name; return "v  a  l"; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  memcpy(s, data, size);
  s[size] = 0;
  struct sigv4_auth a;
  if (sigv4_parse_authorization(s, &a) == 0) {
    char *creq = sigv4_canonical_request("GET", "/", "", a.signed_headers, no_header, NULL, "UNSIGNED-PAYLOAD");
    if (creq) {
      char sig[65];
      sigv4_sign("secret", &a, creq, sig);
      xfree(creq);
    }
  }
  sigv4_parse_presigned(s, &a);
  xfree(sigv4_canonical_query(s, 1));
  xfree(sigv4_canonical_uri(s));
  free(s);
  return 0;
}
