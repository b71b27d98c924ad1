/* test_ui.c - the console's embedded blob: files found by exact path, nothing found past a
 * malformed record or outside the blob. */
#include "test.h"
#include "../../src/api/ui_pack.h"
#include <string.h>

static void pack_lookup(void) {
  static const char blob[] = "assets/a.js\n3\nabcindex.html\n5\n<p/>\nempty\n0\n";
  size_t n = sizeof blob - 1;
  struct ui_file f;
  ASSERT_EQ(ui_pack_find(blob, n, "index.html", &f), 0);
  ASSERT_EQ(f.size, 5);
  ASSERT(!memcmp(f.data, "<p/>\n", 5));
  ASSERT_EQ(ui_pack_find(blob, n, "assets/a.js", &f), 0);
  ASSERT(!memcmp(f.data, "abc", 3));
  ASSERT_EQ(ui_pack_find(blob, n, "empty", &f), 0);
  ASSERT_EQ(f.size, 0);
  ASSERT_EQ(ui_pack_find(blob, n, "index.htm", &f), -1);    /* exact names only */
  ASSERT_EQ(ui_pack_find(blob, n, "assets/", &f), -1);
  ASSERT_EQ(ui_pack_find(blob, n, "../index.html", &f), -1);
  ASSERT_EQ(ui_pack_find(blob, n, "", &f), -1);
}

static void pack_malformed(void) {
  struct ui_file f;
  static const char longer[] = "a\n99\nabc";                 /* a size past the end */
  ASSERT_EQ(ui_pack_find(longer, sizeof longer - 1, "a", &f), -1);
  static const char nonnum[] = "a\n1x\nab\n1\nc";            /* a size that is not a number */
  ASSERT_EQ(ui_pack_find(nonnum, sizeof nonnum - 1, "b", &f), -1);
  static const char cut[] = "a\n1\nxb";                      /* a record without its size line */
  ASSERT_EQ(ui_pack_find(cut, sizeof cut - 1, "b", &f), -1);
  ASSERT_EQ(ui_pack_find("", 0, "a", &f), -1);
  static const char huge[] = "a\n99999999999999999999\n";   /* no overflow into a small size */
  ASSERT_EQ(ui_pack_find(huge, sizeof huge - 1, "a", &f), -1);
}

void suite_ui(void) { RUN(pack_lookup); RUN(pack_malformed); }
