/* test_browse.c - the parsers behind the browsable views: media types from a mime.types table
 * (first mention wins, case, dot files, no extension) and WebDAV PROPFIND bodies (modes,
 * namespaces by URI whatever the prefix, refusals). */
#include "test.h"
#include "api/dav_propfind.h"
#include "api/mime.h"
#include "util/err.h"
#include <stdio.h>

static void media_types(void) {
  char path[512];
  snprintf(path, sizeof path, "%s/mime.types", test_tmpdir());
  FILE *f = fopen(path, "w");
  ASSERT(f);
  fputs("# a comment\ntext/markdown\t\tmd markdown\nimage/png png\napplication/x-first dup\n"
        "application/x-second dup\nnot-a-type ext\n\ntext/plain txt\n", f);
  fclose(f);
  mime_load(path);
  ASSERT_STREQ(mime_type("README.md"), "text/markdown; charset=utf-8");
  ASSERT_STREQ(mime_type("docs/A.PNG"), "image/png");
  ASSERT_STREQ(mime_type("x.tar.txt"), "text/plain; charset=utf-8");
  ASSERT_STREQ(mime_type("f.dup"), "application/x-first");   /* the first mention wins */
  ASSERT_STREQ(mime_type("f.ext"), "application/octet-stream");   /* its line named no type */
  ASSERT_STREQ(mime_type("Makefile"), "application/octet-stream");
  ASSERT_STREQ(mime_type(".md"), "application/octet-stream");   /* a dot file has no extension */
  ASSERT_STREQ(mime_type("dir.md/file"), "application/octet-stream");
  ASSERT_STREQ(mime_type("trailing."), "application/octet-stream");
}

static int parse(const char *xml, struct dav_propfind *pf) { return dav_propfind_parse(xml, strlen(xml), pf); }

static void propfind_bodies(void) {
  struct dav_propfind pf;
  ASSERT_EQ(parse("", &pf), 0);
  ASSERT_EQ(pf.mode, DAV_ALLPROP);
  ASSERT_EQ(parse(" \r\n", &pf), 0);
  ASSERT_EQ(parse("<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\"><D:allprop/></D:propfind>", &pf), 0);
  ASSERT_EQ(pf.mode, DAV_ALLPROP);
  ASSERT_EQ(parse("<propfind xmlns=\"DAV:\"><propname/></propfind>", &pf), 0);
  ASSERT_EQ(pf.mode, DAV_PROPNAME);
  ASSERT_EQ(parse("<x:propfind xmlns:x=\"DAV:\" xmlns:y=\"urn:y\"><x:prop><x:getetag/><y:colour/>"
                  "<none xmlns=\"\"/></x:prop></x:propfind>", &pf), 0);
  ASSERT_EQ(pf.mode, DAV_PROP);
  ASSERT_EQ(pf.n, 3);
  ASSERT_STREQ(pf.p[0].ns, "DAV:");
  ASSERT_STREQ(pf.p[0].name, "getetag");
  ASSERT_STREQ(pf.p[1].ns, "urn:y");
  ASSERT_STREQ(pf.p[1].name, "colour");
  ASSERT_STREQ(pf.p[2].ns, "");
  ASSERT_STREQ(pf.p[2].name, "none");
  /* refusals */
  ASSERT_EQ(parse("<D:propfind xmlns:D=\"DAV:\"><D:prop>", &pf), CAIRN_EMALFORMEDXML);     /* not well-formed */
  ASSERT_EQ(parse("<propfind><allprop/></propfind>", &pf), CAIRN_EMALFORMEDXML);          /* no DAV: namespace */
  ASSERT_EQ(parse("<propfind xmlns=\"DAV:\"/>", &pf), CAIRN_EMALFORMEDXML);               /* no mode */
  ASSERT_EQ(parse("<propfind xmlns=\"DAV:\"><allprop/><prop/></propfind>", &pf), CAIRN_EMALFORMEDXML);
  ASSERT_EQ(parse("<!DOCTYPE a [<!ENTITY e \"x\">]><propfind xmlns=\"DAV:\"><allprop/></propfind>", &pf),
            CAIRN_EMALFORMEDXML);
  char many[4096] = "<propfind xmlns=\"DAV:\"><prop>";
  for (int i = 0; i <= DAV_PROPS_MAX; i++) strcat(many, "<getetag/>");
  strcat(many, "</prop></propfind>");
  ASSERT_EQ(parse(many, &pf), CAIRN_EMALFORMEDXML);   /* more properties than it keeps */
}

void suite_browse(void) { RUN(media_types); RUN(propfind_bodies); }
