/* datasets.c - committing dataset versions and the naming rules (see datasets.h). */
#include "datasets.h"
#include "../dataset/dsmanifest.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/sbuf.h"
#include "../util/timeutil.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int name_rule(const char *s, int upper) {
  size_t n = strlen(s);
  if (!n || n > 128 || !isalnum((unsigned char)s[0])) return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (!(isdigit(c) || (c >= 'a' && c <= 'z') || (upper && c >= 'A' && c <= 'Z') || c == '.' || c == '_' || c == '-')) return 0;
    if (!upper && c >= 'A' && c <= 'Z') return 0;
  }
  return 1;
}

int datasets_name_ok(const char *name) { return name_rule(name, 0); }
int datasets_tag_ok(const char *tag) { return name_rule(tag, 1); }

int datasets_tag_floats(const char *tag) {
  if (isdigit((unsigned char)tag[0])) return 0;
  if ((tag[0] == 'v' || tag[0] == 'V') && isdigit((unsigned char)tag[1])) return 0;
  return 1;
}

int datasets_commit(meta_t *m, store_t *s, const char *name, const char *json, size_t len,
                    char id_out[65], const char **why, char **missing_out) {
  struct ds_manifest dm;
  *missing_out = NULL;
  int rc = dsm_parse(json, len, &dm, why);
  if (rc) return rc;
  sbuf_t blocks = {0}, missing = {0};
  int nmissing = 0;
  int64_t files = 0;
  for (size_t i = 0; i < dm.n && !rc; i++) {
    const struct ds_entry *e = &dm.e[i];
    if (e->type == DS_FILE) files++;
    for (size_t k = 0; k < e->blocks.n; k++) {
      const struct mblock *b = &e->blocks.b[k];
      uint64_t have;
      sbuf_printf(&blocks, "%s+%llu\n", b->id, (unsigned long long)b->size);
      if (!store_has(s, b->id, &have) && have == b->size) continue;
      if (nmissing++ < 100) sbuf_printf(&missing, "%s+%llu\n", b->id, (unsigned long long)b->size);
    }
  }
  if (nmissing) {
    *why = "the manifest names blocks the server does not have: upload them first";
    *missing_out = missing.s ? missing.s : xstrdup("");
    sbuf_free(&blocks);
    dsm_free(&dm);
    return CAIRN_ENOENT;
  }
  char *canon = dsm_encode(&dm);
  dsm_id(canon, id_out);
  struct meta_dsversion v = {0};
  snprintf(v.id, sizeof v.id, "%s", id_out);
  v.manifest = canon;
  v.blocks = blocks.s ? blocks.s : (char *)"";
  v.size = dsm_bytes(&dm);
  v.files = files;
  v.created_ms = time_now_ms();
  rc = meta_ds_version_put(m, name, &v);
  xfree(canon);
  sbuf_free(&blocks);
  sbuf_free(&missing);
  dsm_free(&dm);
  return rc;
}
