/* test_browse.c - the parsers behind the browsable views: media types from a mime.types table
 * (first mention wins, case, dot files, no extension) and WebDAV PROPFIND bodies (modes,
 * namespaces by URI whatever the prefix, refusals). */
#include "test.h"
#include "api/dav_propfind.h"
#include "api/mime.h"
#include "service/ds_views.h"
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

static struct ds_manifest one_file(const char *path) {
  struct ds_manifest m;
  dsm_init(&m);
  dsm_add(&m, path, DS_FILE);
  return m;
}

/* Parsed manifests are shared while in use, kept most-recently-used-first within the budget, and
 * a view in use is never freed (ASan would see it). */
static void manifest_views(void) {
  ds_views_t *c = ds_views_create(100);
  size_t n, bytes;
  ASSERT(!ds_views_get(c, "a\nv1"));
  struct ds_manifest m = one_file("x");
  ds_view_t *a = ds_views_add(c, "a\nv1", &m, 60);
  ASSERT_EQ(m.n, 0);   /* taken over */
  ASSERT_STREQ(ds_view_manifest(a)->e[0].path, "x");
  ASSERT(ds_views_get(c, "a\nv1") == a);   /* shared */
  struct ds_manifest m2 = one_file("y");
  ASSERT(ds_views_add(c, "a\nv1", &m2, 60) == a);   /* a second parse of the same loses */
  ASSERT_EQ(m2.n, 0);
  ds_views_release(c, a);
  ds_views_release(c, a);
  ds_views_release(c, a);
  ds_views_stats(c, &n, &bytes);
  ASSERT_EQ(n, 1);
  ASSERT_EQ(bytes, 60);
  struct ds_manifest m3 = one_file("z");
  ds_view_t *b = ds_views_add(c, "b\nv1", &m3, 60);   /* over budget: the unused cold one goes */
  ds_views_stats(c, &n, &bytes);
  ASSERT_EQ(n, 1);
  ASSERT(!ds_views_get(c, "a\nv1"));
  struct ds_manifest m4 = one_file("w");
  ds_view_t *d = ds_views_add(c, "d\nv1", &m4, 60);   /* b is in use: both stay, over budget */
  ds_views_stats(c, &n, &bytes);
  ASSERT_EQ(n, 2);
  ASSERT_STREQ(ds_view_manifest(b)->e[0].path, "z");
  ds_views_release(c, b);   /* now b, the colder and unused, goes */
  ds_views_stats(c, &n, &bytes);
  ASSERT_EQ(n, 1);
  ASSERT_EQ(bytes, 60);
  struct ds_manifest big = one_file("huge");
  ds_view_t *h = ds_views_add(c, "h\nv1", &big, 1000);   /* bigger than the budget: never kept */
  ASSERT_STREQ(ds_view_manifest(h)->e[0].path, "huge");
  ASSERT(!ds_views_get(c, "h\nv1"));
  ds_views_release(c, h);   /* freed here */
  ds_views_release(c, d);
  ds_views_destroy(c);
}

void suite_browse(void) { RUN(media_types); RUN(propfind_bodies); RUN(manifest_views); }
