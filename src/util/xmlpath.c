/* xmlpath.c - path-tracking expat callbacks. */
#include "xmlpath.h"
#include "err.h"
#include "sbuf.h"
#include <expat.h>
#include <stdio.h>
#include <string.h>

struct xr { char path[256]; sbuf_t text; xmlpath_open_fn open; xmlpath_leaf_fn leaf; void *ctx; };

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs) {
  (void)attrs;
  struct xr *x = ud;
  size_t n = strlen(x->path);
  snprintf(x->path + n, sizeof x->path - n, "/%s", name);   /* deeper than 256 bytes: truncated */
  x->text.len = 0;
  if (x->text.s) x->text.s[0] = 0;
  if (x->open) x->open(x->ctx, x->path);
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len) {
  struct xr *x = ud;
  if (x->text.len < 4096) sbuf_add(&x->text, s, (size_t)len);
}

static void XMLCALL on_end(void *ud, const XML_Char *name) {
  (void)name;
  struct xr *x = ud;
  x->leaf(x->ctx, x->path, x->text.s ? x->text.s : "");
  x->text.len = 0;
  if (x->text.s) x->text.s[0] = 0;
  char *slash = strrchr(x->path, '/');
  if (slash) *slash = 0;
}

int xmlpath_parse(const char *xml, size_t len, xmlpath_open_fn open, xmlpath_leaf_fn leaf, void *ctx) {
  struct xr x = {"", {0}, open, leaf, ctx};
  XML_Parser p = XML_ParserCreate(NULL);
  if (!p) return CAIRN_ENOMEM;
  XML_SetUserData(p, &x);
  XML_SetElementHandler(p, on_start, on_end);
  XML_SetCharacterDataHandler(p, on_text);
  int ok = XML_Parse(p, xml, (int)len, 1) == XML_STATUS_OK;
  XML_ParserFree(p);
  sbuf_free(&x.text);
  return ok ? 0 : CAIRN_EMALFORMEDXML;
}
