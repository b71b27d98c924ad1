/* fuzz_s3_xml.c - libFuzzer target: S3 XML request bodies (lifecycle configuration, tagging) and
 * the x-amz-tagging query form; parsed rules are re-rendered and evaluated. */
#include "service/lifecycle.h"
#include "util/alloc.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *rules = NULL, *tags = NULL;
  const char *why;
  if (!lifecycle_parse((const char *)data, size, &rules, &why)) {
    xfree(lifecycle_to_xml(rules));
    lifecycle_expired(rules, "tmp/x", "{\"a\":\"b\"}", 0, 1000000, 1000);
    lifecycle_abort_due(rules, "tmp/x", 0, 1000000, 1000);
    xfree(rules);
  }
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
