/* mime.c - extension -> media type from a mime.types table (mime.h): "type ext ext ..." lines,
 * '#' comments; loaded once into a sorted array and searched by extension. The first mention of
 * an extension wins, as in the file. */
#include "mime.h"
#include "../util/alloc.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct ext { char *ext, *type; size_t order; };
static struct ext *exts;
static size_t n_exts;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int by_ext(const void *a, const void *b) {
  return strcasecmp(((const struct ext *)a)->ext, ((const struct ext *)b)->ext);
}

static int by_ext_then_order(const void *a, const void *b) {
  const struct ext *x = a, *y = b;
  int c = by_ext(x, y);
  return c ? c : (x->order > y->order) - (x->order < y->order);
}

static void load_from(const char *path) {
  for (size_t i = 0; i < n_exts; i++) { xfree(exts[i].ext); xfree(exts[i].type); }
  xfree(exts);
  exts = NULL;
  n_exts = 0;
  FILE *f = fopen(path, "r");
  if (!f) return;
  size_t cap = 0;
  char line[1024];
  while (fgets(line, sizeof line, f)) {
    char *save = NULL, *type = strtok_r(line, " \t\r\n", &save);
    if (!type || *type == '#' || !strchr(type, '/')) continue;
    int text = !strncmp(type, "text/", 5);
    for (char *e; (e = strtok_r(NULL, " \t\r\n", &save));) {
      if (n_exts == cap) exts = xrealloc(exts, (cap = cap ? 2 * cap : 1024) * sizeof *exts);
      exts[n_exts].ext = xstrdup(e);
      exts[n_exts].type = text ? xasprintf("%s; charset=utf-8", type) : xstrdup(type);
      exts[n_exts].order = n_exts;
      n_exts++;
    }
  }
  fclose(f);
  qsort(exts, n_exts, sizeof *exts, by_ext_then_order);
  size_t k = 0;   /* an extension named twice keeps its first type */
  for (size_t i = 0; i < n_exts; i++) {
    if (k && !by_ext(&exts[k - 1], &exts[i])) { xfree(exts[i].ext); xfree(exts[i].type); continue; }
    exts[k++] = exts[i];
  }
  n_exts = k;
}

static void load_default(void) { load_from("/etc/mime.types"); }

void mime_load(const char *path) {
  pthread_once(&once, load_default);
  load_from(path);
}

const char *mime_type(const char *name) {
  static const char *octets = "application/octet-stream";
  pthread_once(&once, load_default);
  const char *slash = strrchr(name, '/'), *dot = strrchr(slash ? slash + 1 : name, '.');
  if (!dot || !dot[1] || dot == (slash ? slash + 1 : name)) return octets;   /* none, or a dot file */
  struct ext key = {(char *)dot + 1, NULL, 0};
  const struct ext *hit = n_exts ? bsearch(&key, exts, n_exts, sizeof *exts, by_ext) : NULL;
  return hit ? hit->type : octets;
}
