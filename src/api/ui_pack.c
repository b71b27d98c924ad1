/* ui_pack.c - looks a console file up in the embedded blob (format in ui_pack.h). The blob is the
 * build's own, but the reader still checks every length against the blob's end. */
#include "ui_pack.h"
#include <string.h>

/* The line at *p (without its '\n'), or NULL when the blob ends first. */
static const char *line(const char **p, const char *end, size_t *n) {
  const char *nl = memchr(*p, '\n', (size_t)(end - *p));
  if (!nl) return NULL;
  const char *s = *p;
  *n = (size_t)(nl - s);
  *p = nl + 1;
  return s;
}

int ui_pack_find(const char *blob, size_t len, const char *path, struct ui_file *f) {
  const char *p = blob, *end = blob + len;
  size_t want = strlen(path);
  while (p < end) {
    size_t pn, sn, size = 0;
    const char *name = line(&p, end, &pn);
    const char *num = name ? line(&p, end, &sn) : NULL;
    if (!num || sn == 0 || sn > 12) return -1;
    for (size_t i = 0; i < sn; i++) {
      if (num[i] < '0' || num[i] > '9') return -1;
      size = size * 10 + (size_t)(num[i] - '0');
    }
    if (size > (size_t)(end - p)) return -1;
    if (pn == want && !memcmp(name, path, pn)) {
      f->path = name;
      f->data = p;
      f->size = size;
      return 0;
    }
    p += size;
  }
  return -1;
}
