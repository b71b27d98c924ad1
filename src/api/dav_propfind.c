/* dav_propfind.c - PROPFIND bodies (dav_propfind.h) over expat with namespace processing: element
 * names arrive as "URI|local" ("DAV:|prop"), whatever prefixes the client chose. A DOCTYPE is
 * refused outright (no entities). */
#include "dav_propfind.h"
#include "../util/err.h"
#include <expat.h>
#include <stdio.h>
#include <string.h>

struct pf_state { struct dav_propfind *out; int depth, in_prop, modes, bad; XML_Parser parser; };

static int is_dav(const char *name, const char *local) {
  return !strncmp(name, "DAV:|", 5) && !strcmp(name + 5, local);
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts) {
  (void)atts;
  struct pf_state *s = ud;
  s->depth++;
  if (s->bad) return;
  if (s->depth == 1) { if (!is_dav(name, "propfind")) s->bad = 1; return; }
  if (s->depth == 2) {
    if (is_dav(name, "allprop")) { s->out->mode = DAV_ALLPROP; s->modes++; }
    else if (is_dav(name, "propname")) { s->out->mode = DAV_PROPNAME; s->modes++; }
    else if (is_dav(name, "prop")) { s->out->mode = DAV_PROP; s->modes++; s->in_prop = 1; }
    /* others (include, extensions) are ignored, as RFC 4918 asks of unknown elements */
    return;
  }
  if (s->depth == 3 && s->in_prop) {
    if (s->out->n == DAV_PROPS_MAX) { s->bad = 1; return; }
    struct dav_prop *p = &s->out->p[s->out->n];
    const char *bar = strrchr(name, '|');
    size_t nl = bar ? (size_t)(bar - name) : 0;
    const char *local = bar ? bar + 1 : name;
    if (nl >= sizeof p->ns || strlen(local) >= sizeof p->name || !*local) { s->bad = 1; return; }
    memcpy(p->ns, name, nl);
    p->ns[nl] = 0;
    snprintf(p->name, sizeof p->name, "%s", local);
    s->out->n++;
  }
}

static void XMLCALL on_end(void *ud, const XML_Char *name) {
  struct pf_state *s = ud;
  if (s->depth == 2 && is_dav(name, "prop")) s->in_prop = 0;
  s->depth--;
}

/* a DOCTYPE (entities, external subsets) has no place in a PROPFIND: refused, parsing stops */
static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sys, const XML_Char *pub, int has_internal) {
  (void)name; (void)sys; (void)pub; (void)has_internal;
  struct pf_state *s = ud;
  s->bad = 1;
  XML_StopParser(s->parser, XML_FALSE);
}

int dav_propfind_parse(const char *body, size_t len, struct dav_propfind *out) {
  memset(out, 0, sizeof *out);
  out->mode = DAV_ALLPROP;
  size_t i = 0;
  while (i < len && strchr(" \t\r\n", body[i])) i++;
  if (i == len) return 0;   /* no body: allprop */
  if (len > DAV_BODY_MAX) return CAIRN_EMALFORMEDXML;
  XML_Parser x = XML_ParserCreateNS(NULL, '|');
  if (!x) return CAIRN_EMALFORMEDXML;
  struct pf_state s = {out, 0, 0, 0, 0, x};
  XML_SetUserData(x, &s);
  XML_SetElementHandler(x, on_start, on_end);
  XML_SetStartDoctypeDeclHandler(x, on_doctype);
  int ok = XML_Parse(x, body, (int)len, 1) == XML_STATUS_OK;
  XML_ParserFree(x);
  if (!ok || s.bad || s.modes != 1) return CAIRN_EMALFORMEDXML;
  return 0;
}
