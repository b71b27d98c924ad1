/* fuzz_mirror_url.c - libFuzzer target: the mirror's upstream URL check (mirror_url_allowed);
 * a URL it lets through must begin with what one of the anchored allow patterns spells. */
#include "service/mirror_fetch.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *url = malloc(size + 1);
  memcpy(url, data, size);
  url[size] = 0;
  struct mirror_rules r = {"^https://example\\.org/a/ ^http://127\\.0\\.0\\.1:80/", 0};
  const char *why = NULL;
  if (!mirror_url_allowed(&r, url, &why) &&
      strncmp(url, "https://example.org/a/", 22) && strncmp(url, "http://127.0.0.1:80/", 20))
    abort();
  r.require_https = 1;
  if (!mirror_url_allowed(&r, url, &why) && strncmp(url, "https://", 8)) abort();
  free(url);
  return 0;
}
