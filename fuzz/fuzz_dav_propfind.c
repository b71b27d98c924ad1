/* fuzz_dav_propfind.c - libFuzzer target: WebDAV PROPFIND bodies (api/dav_propfind.c). Checks
 * that an accepted body gives one mode, at most DAV_PROPS_MAX properties, each with a non-empty
 * NUL-terminated name and namespace; anything else is MalformedXML, never another error. */
#include "api/dav_propfind.h"
#include "util/err.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct dav_propfind pf;
  int rc = dav_propfind_parse((const char *)data, size, &pf);
  if (rc && rc != CAIRN_EMALFORMEDXML) abort();
  if (!rc) {
    if (pf.mode != DAV_ALLPROP && pf.mode != DAV_PROPNAME && pf.mode != DAV_PROP) abort();
    if (pf.n < 0 || pf.n > DAV_PROPS_MAX) abort();
    if (pf.mode != DAV_PROP && pf.n) abort();
    for (int i = 0; i < pf.n; i++)
      if (!pf.p[i].name[0] || !memchr(pf.p[i].name, 0, sizeof pf.p[i].name) || !memchr(pf.p[i].ns, 0, sizeof pf.p[i].ns))
        abort();
  }
  return 0;
}
