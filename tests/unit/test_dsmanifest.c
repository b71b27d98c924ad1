/* test_dsmanifest.c - dataset manifests: path and symlink rules, canonical encoding and id. */
#include "test.h"
#include "dataset/dsmanifest.h"
#include "util/alloc.h"
#include "util/err.h"

static void path_rules(void) {
  ASSERT(dsm_path_ok("a"));
  ASSERT(dsm_path_ok("a/b c/ü.txt"));
  ASSERT(dsm_path_ok("..a/b.."));
  ASSERT(!dsm_path_ok(""));
  ASSERT(!dsm_path_ok("/etc/passwd"));
  ASSERT(!dsm_path_ok("a/../../x"));
  ASSERT(!dsm_path_ok(".."));
  ASSERT(!dsm_path_ok("a/./b"));
  ASSERT(!dsm_path_ok("a//b"));
  ASSERT(!dsm_path_ok("a/"));
  ASSERT(!dsm_path_ok("a\nb"));
  ASSERT(dsm_link_ok("a/l", "../b"));
  ASSERT(dsm_link_ok("a/b/l", "../../c/./d"));
  ASSERT(!dsm_link_ok("l", "../x"));
  ASSERT(!dsm_link_ok("a/l", "../../x"));
  ASSERT(!dsm_link_ok("a/l", "/etc"));
  ASSERT(!dsm_link_ok("a/l", "b/../../../x"));
}

static void canonical_id(void) {
  const char *a = "{\"files\":[{\"path\":\"z\",\"type\":\"dir\",\"mode\":493,\"mtime\":5},"
                  "{\"type\":\"file\",\"path\":\"a\",\"mode\":420,\"mtime\":1,\"size\":3,"
                  "\"blocks\":[\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad+3\"]}]}";
  const char *b = "{\"files\":[{\"mtime\":1,\"blocks\":[\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad+3\"],"
                  "\"size\":3,\"path\":\"a\",\"mode\":420,\"type\":\"file\"},{\"path\":\"z\",\"mode\":493,\"type\":\"dir\",\"mtime\":5}]}";
  struct ds_manifest m1, m2;
  const char *why;
  ASSERT_EQ(dsm_parse(a, strlen(a), &m1, &why), 0);
  ASSERT_EQ(dsm_parse(b, strlen(b), &m2, &why), 0);
  char *e1 = dsm_encode(&m1), *e2 = dsm_encode(&m2), id1[65], id2[65];
  ASSERT_STREQ(e1, e2);
  dsm_id(e1, id1); dsm_id(e2, id2);
  ASSERT_STREQ(id1, id2);
  ASSERT(dsm_find(&m1, "z") && !dsm_find(&m1, "y"));
  struct ds_manifest m3;   /* re-parsing the canonical form is a fixed point */
  ASSERT_EQ(dsm_parse(e1, strlen(e1), &m3, &why), 0);
  char *e3 = dsm_encode(&m3);
  ASSERT_STREQ(e1, e3);
  xfree(e1); xfree(e2); xfree(e3);
  dsm_free(&m1); dsm_free(&m2); dsm_free(&m3);
}

static void refused(void) {
  const char *bad[] = {
    "{\"files\":[{\"path\":\"../x\",\"type\":\"dir\",\"mode\":493,\"mtime\":1}]}",
    "{\"files\":[{\"path\":\"x\",\"type\":\"symlink\",\"mode\":511,\"mtime\":1,\"target\":\"/etc/passwd\"}]}",
    "{\"files\":[{\"path\":\"x\",\"type\":\"dir\",\"mode\":493,\"mtime\":1},{\"path\":\"x\",\"type\":\"dir\",\"mode\":493,\"mtime\":1}]}",
    "{\"files\":[{\"path\":\"x\",\"type\":\"file\",\"mode\":420,\"mtime\":1,\"size\":4,\"blocks\":[\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad+3\"]}]}",
    "{\"files\":[{\"path\":\"x\",\"type\":\"device\",\"mode\":420,\"mtime\":1}]}",
    "{\"files\":[{\"path\":\"x\",\"type\":\"file\",\"mode\":99999,\"mtime\":1}]}",
    "{\"files\":{}}", "[]", "nope",
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    struct ds_manifest m;
    const char *why = NULL;
    ASSERT_EQ(dsm_parse(bad[i], strlen(bad[i]), &m, &why), CAIRN_EINVAL);
    ASSERT(why != NULL);
  }
}

#define LINK(p, t) "{\"path\":\"" p "\",\"type\":\"symlink\",\"mode\":511,\"mtime\":1,\"target\":\"" t "\"}"
#define DIR(p) "{\"path\":\"" p "\",\"type\":\"dir\",\"mode\":493,\"mtime\":1}"

/* Finding 6 of the trust issue: links that are each lexically inside but escape together. */
static void symlink_chains(void) {
  const char *bad[] = {
    "{\"files\":[" DIR("d") "," LINK("d/up", "..") "," LINK("d/x", "up/..") "]}",   /* up -> root, up/.. -> above */
    "{\"files\":[" DIR("a") "," DIR("a/b") "," LINK("a/b/l", "../..") "," LINK("s", "a/b/l/..") "]}",
    "{\"files\":[" LINK("l1", "l2") "," LINK("l2", "l1") "]}",                        /* a loop */
    "{\"files\":[" DIR("d") "," LINK("l", "d") "," DIR("l/inner") "]}",               /* below a link */
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    struct ds_manifest m;
    const char *why = NULL;
    ASSERT_EQ(dsm_parse(bad[i], strlen(bad[i]), &m, &why), CAIRN_EINVAL);
    ASSERT(why != NULL);
  }
  const char *good = "{\"files\":[" DIR("a") "," DIR("a/b") "," LINK("a/b/up", "..") "," LINK("a/b/top", "up/..") ","
                     LINK("a/c", "b/up/b") "," LINK("z", "a/b/up/b/top") "]}";
  struct ds_manifest m;
  const char *why = NULL;
  ASSERT_EQ(dsm_parse(good, strlen(good), &m, &why), 0);
  char real[DS_MAX_PATH + 1];
  ASSERT_EQ(dsm_resolve(&m, "z", real), 0);
  ASSERT_STREQ(real, "");                      /* z -> a/b/up/b/top -> a/b/top -> a/b/up/.. -> a/.. -> root */
  ASSERT_EQ(dsm_resolve(&m, "a/c/up", real), 0);
  ASSERT_STREQ(real, "a");
  ASSERT_EQ(dsm_resolve(&m, "a/b/up/..", real), 0);
  ASSERT_STREQ(real, "");
  ASSERT_EQ(dsm_resolve(&m, "a/b/up/../..", real), CAIRN_EINVAL);
  int is_dir;
  ASSERT(dsm_lookup(&m, "a/c", &is_dir) != NULL);   /* a/c -> a/b */
  ASSERT_EQ(is_dir, 1);
  dsm_free(&m);
}

struct kids { int n; char names[8][16]; int has_entry[8]; };
static void kid(void *ctx, const char *name, const struct ds_entry *e) {
  struct kids *k = ctx;
  if (k->n < 8) { snprintf(k->names[k->n], sizeof k->names[0], "%s", name); k->has_entry[k->n] = e != NULL; }
  k->n++;
}

/* A directory's children: files, explicit directories (with their entry) and implicit ones
 * (archives without directory entries: given once, no entry), found by seeking, not scanning. */
static void children(void) {
  struct ds_manifest m;
  dsm_init(&m);
  const char *files[] = {"a.txt", "a/x", "a/y/z", "b/c", "b/d", "c.txt"};
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) dsm_add(&m, files[i], DS_FILE);
  dsm_add(&m, "a", DS_DIR)->mode = 0755;
  const char *why;
  ASSERT_EQ(dsm_finish(&m, &why), 0);
  struct kids k = {0};
  dsm_children(&m, "", kid, &k);
  ASSERT_EQ(k.n, 4);
  ASSERT_STREQ(k.names[0], "a"); ASSERT_EQ(k.has_entry[0], 1);
  ASSERT_STREQ(k.names[1], "a.txt");
  ASSERT_STREQ(k.names[2], "b"); ASSERT_EQ(k.has_entry[2], 0);
  ASSERT_STREQ(k.names[3], "c.txt");
  memset(&k, 0, sizeof k);
  dsm_children(&m, "a", kid, &k);
  ASSERT_EQ(k.n, 2);
  ASSERT_STREQ(k.names[0], "x");
  ASSERT_STREQ(k.names[1], "y"); ASSERT_EQ(k.has_entry[1], 0);
  memset(&k, 0, sizeof k);
  dsm_children(&m, "a/y", kid, &k);
  ASSERT_EQ(k.n, 1);
  ASSERT_STREQ(k.names[0], "z");
  memset(&k, 0, sizeof k);
  dsm_children(&m, "nope", kid, &k);
  ASSERT_EQ(k.n, 0);
  dsm_free(&m);
}

void suite_dsmanifest(void) { RUN(path_rules); RUN(canonical_id); RUN(refused); RUN(symlink_chains); RUN(children); }
