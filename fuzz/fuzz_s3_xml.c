/* fuzz_s3_xml.c - libFuzzer target: S3 XML request bodies (lifecycle, CORS and default
 * encryption configurations, tagging) and the x-amz-tagging query form; parsed rules are re-rendered, parsed again and
 * evaluated. */
#include "service/cors.h"
#include "service/lifecycle.h"
#include "service/sse.h"
#include "util/alloc.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *rules = NULL, *tags = NULL;
  const char *why;
  if (!cors_parse((const char *)data, size, &rules, &why)) {
    char *x = cors_to_xml(rules), *again = NULL;
    if (cors_parse(x, strlen(x), &again, &why) || strcmp(again, rules)) abort();   /* a fixed point */
    struct cors_answer a;
    if (cors_match(rules, "https://a.example", "PUT", "x-amz-date, content-type", &a)) cors_answer_free(&a);
    xfree(x);
    xfree(again);
    xfree(rules);
    rules = NULL;
  }
  if (!lifecycle_parse((const char *)data, size, &rules, &why)) {
    xfree(lifecycle_to_xml(rules));
    lifecycle_expired(rules, "tmp/x", "{\"a\":\"b\"}", 0, 1000000, 1000);
    lifecycle_abort_due(rules, "tmp/x", 0, 1000000, 1000);
    xfree(rules);
  }
  char alg[16];
  if (!sse_config_parse((const char *)data, size, alg, &why) && strcmp(alg, "AES256")) abort();
  if (!tags_from_xml((const char *)data, size, &tags)) { xfree(tags_to_xml(tags)); xfree(tags); }
  char *s = malloc(size + 1);
  memcpy(s, data, size);
  s[size] = 0;
  char *tq = NULL;
  if (!tags_from_query(s, &tq) && !tq) abort();
  xfree(tq);
  free(s);
  return 0;
}
