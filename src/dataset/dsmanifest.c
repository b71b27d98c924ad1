/* dsmanifest.c - dataset manifests: build, check, canonical JSON, id (see dsmanifest.h). */
#include "dsmanifest.h"
#include "../crypto/hash.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dsm_init(struct ds_manifest *m) { memset(m, 0, sizeof *m); }

void dsm_free(struct ds_manifest *m) {
  for (size_t i = 0; i < m->n; i++) {
    xfree(m->e[i].path);
    xfree(m->e[i].target);
    manifest_free(&m->e[i].blocks);
  }
  xfree(m->e);
  dsm_init(m);
}

struct ds_entry *dsm_add(struct ds_manifest *m, const char *path, enum ds_type type) {
  if (m->n == m->cap) {
    m->cap = m->cap ? m->cap * 2 : 64;
    m->e = xrealloc(m->e, m->cap * sizeof *m->e);
  }
  struct ds_entry *e = &m->e[m->n++];
  memset(e, 0, sizeof *e);
  e->path = xstrdup(path);
  e->type = type;
  manifest_init(&e->blocks);
  return e;
}

int dsm_path_ok(const char *p) {
  size_t n = strlen(p);
  if (!n || n > DS_MAX_PATH || p[0] == '/' || p[n - 1] == '/') return 0;
  for (const char *c = p; *c;) {
    const char *s = strchr(c, '/');
    size_t k = s ? (size_t)(s - c) : strlen(c);
    if (!k || (k == 1 && c[0] == '.') || (k == 2 && c[0] == '.' && c[1] == '.')) return 0;
    for (size_t i = 0; i < k; i++) if ((unsigned char)c[i] < 0x20) return 0;   /* no control chars */
    c += k + (s != NULL);
  }
  return 1;
}

int dsm_link_ok(const char *path, const char *target) {
  if (!*target || target[0] == '/' || strlen(target) > DS_MAX_PATH) return 0;
  int depth = 0;   /* components of the link's directory */
  for (const char *c = path; (c = strchr(c, '/')); c++) depth++;
  for (const char *c = target; *c;) {
    const char *s = strchr(c, '/');
    size_t k = s ? (size_t)(s - c) : strlen(c);
    if (k == 2 && c[0] == '.' && c[1] == '.') { if (--depth < 0) return 0; }
    else if (k && !(k == 1 && c[0] == '.')) depth++;
    c += k + (s != NULL);
  }
  return 1;
}

static int by_path(const void *a, const void *b) {
  return strcmp(((const struct ds_entry *)a)->path, ((const struct ds_entry *)b)->path);
}

int dsm_finish(struct ds_manifest *m, const char **why) {
  if (m->n) qsort(m->e, m->n, sizeof *m->e, by_path);
  for (size_t i = 0; i < m->n; i++) {
    struct ds_entry *e = &m->e[i];
    if (!dsm_path_ok(e->path)) { *why = "unsafe path (absolute, '..', '.' or empty component)"; return CAIRN_EINVAL; }
    if (i && !strcmp(e->path, m->e[i - 1].path)) { *why = "duplicate path"; return CAIRN_EINVAL; }
    if (e->mode > 07777) { *why = "mode must be permission bits"; return CAIRN_EINVAL; }
    if (e->type == DS_LINK && (!e->target || !dsm_link_ok(e->path, e->target))) {
      *why = "symlink target escapes the tree";
      return CAIRN_EINVAL;
    }
    if (e->type == DS_FILE && e->size != e->blocks.total) { *why = "file size does not match its blocks"; return CAIRN_EINVAL; }
    if (e->type != DS_FILE && e->blocks.n) { *why = "only files have blocks"; return CAIRN_EINVAL; }
  }
  /* Links resolved physically: each one may be lexically inside while a chain escapes
   * (d/up -> .., d/x -> up/..), and nothing may live below a link (pull would write through it). */
  char real[DS_MAX_PATH + 1], parent[DS_MAX_PATH + 1];
  for (size_t i = 0; i < m->n; i++) {
    const struct ds_entry *e = &m->e[i];
    snprintf(parent, sizeof parent, "%s", e->path);
    for (char *sl; (sl = strrchr(parent, '/'));) {
      *sl = 0;
      const struct ds_entry *p = dsm_find(m, parent);
      if (p && p->type == DS_LINK) { *why = "an entry lies below a symlink"; return CAIRN_EINVAL; }
    }
    if (e->type == DS_LINK && dsm_resolve(m, e->path, real)) {
      *why = "a chain of symlinks escapes the tree or loops";
      return CAIRN_EINVAL;
    }
  }
  return 0;
}

int dsm_resolve(const struct ds_manifest *m, const char *path, char out[DS_MAX_PATH + 1]) {
  char pending[DS_MAX_PATH * 2 + 2], rest[DS_MAX_PATH * 2 + 2];
  size_t ol = 0;
  int hops = 0;
  out[0] = 0;
  if (strlen(path) > DS_MAX_PATH) return CAIRN_EINVAL;
  snprintf(pending, sizeof pending, "%s", path);
  while (pending[0]) {
    char *slash = strchr(pending, '/');
    size_t k = slash ? (size_t)(slash - pending) : strlen(pending);
    char comp[DS_MAX_PATH + 1];
    snprintf(comp, sizeof comp, "%.*s", (int)k, pending);
    memmove(pending, pending + k + (slash != NULL), strlen(pending + k + (slash != NULL)) + 1);
    if (!k || !strcmp(comp, ".")) continue;
    if (!strcmp(comp, "..")) {
      if (!ol) return CAIRN_EINVAL;   /* above the root */
      char *p = strrchr(out, '/');
      ol = p ? (size_t)(p - out) : 0;
      out[ol] = 0;
      continue;
    }
    if (ol + 1 + k > DS_MAX_PATH) return CAIRN_EINVAL;
    size_t before = ol;
    ol += (size_t)snprintf(out + ol, DS_MAX_PATH + 1 - ol, "%s%s", ol ? "/" : "", comp);
    const struct ds_entry *e = dsm_find(m, out);
    if (!e || e->type != DS_LINK) continue;
    if (++hops > 40 || !e->target || e->target[0] == '/') return CAIRN_EINVAL;   /* a loop, or absolute */
    out[ol = before] = 0;   /* the link is replaced by its target, relative to its directory */
    size_t tl = strlen(e->target), pl = strlen(pending);
    if (tl + 1 + pl >= sizeof rest) return CAIRN_EINVAL;
    memcpy(rest, e->target, tl);
    rest[tl] = '/';
    memcpy(rest + tl + 1, pending, pl + 1);
    memcpy(pending, rest, tl + 1 + pl + 1);
  }
  return 0;
}

static const char *type_name(enum ds_type t) { return t == DS_FILE ? "file" : t == DS_DIR ? "dir" : "symlink"; }

char *dsm_encode(const struct ds_manifest *m) {
  json_t *files = json_array();
  for (size_t i = 0; i < m->n; i++) {
    const struct ds_entry *e = &m->e[i];
    json_t *f = json_pack("{s:s,s:s,s:i,s:I}", "path", e->path, "type", type_name(e->type),
                          "mode", (int)e->mode, "mtime", (json_int_t)e->mtime);
    if (e->type == DS_FILE) {
      json_t *b = json_array();
      char loc[96];
      for (size_t k = 0; k < e->blocks.n; k++) {
        snprintf(loc, sizeof loc, "%s+%llu", e->blocks.b[k].id, (unsigned long long)e->blocks.b[k].size);
        json_array_append_new(b, json_string(loc));
      }
      json_object_set_new(f, "size", json_integer((json_int_t)e->size));
      json_object_set_new(f, "blocks", b);
    }
    if (e->type == DS_LINK) json_object_set_new(f, "target", json_string(e->target));
    json_array_append_new(files, f);
  }
  json_t *root = json_pack("{s:i,s:o}", "format", 1, "files", files);
  char *s = json_dumps(root, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII);
  json_decref(root);
  char *out = xstrdup(s);
  free(s);
  return out;
}

static int parse_entry(json_t *f, struct ds_manifest *m, const char **why) {
  const char *path, *type, *target = NULL;
  json_int_t mode, mtime, size = 0;
  json_t *blocks = NULL;
  if (json_unpack(f, "{s:s,s:s,s:I,s:I,s?I,s?o,s?s}", "path", &path, "type", &type, "mode", &mode,
                  "mtime", &mtime, "size", &size, "blocks", &blocks, "target", &target)) {
    *why = "an entry needs path, type, mode and mtime";
    return CAIRN_EINVAL;
  }
  enum ds_type t = !strcmp(type, "file") ? DS_FILE : !strcmp(type, "dir") ? DS_DIR : DS_LINK;
  if (t == DS_LINK && strcmp(type, "symlink")) { *why = "type must be file, dir or symlink"; return CAIRN_EINVAL; }
  if (mode < 0 || size < 0) { *why = "mode and size must not be negative"; return CAIRN_EINVAL; }
  if (strlen(path) > DS_MAX_PATH) { *why = "path too long"; return CAIRN_EINVAL; }
  struct ds_entry *e = dsm_add(m, path, t);
  e->mode = (unsigned)(mode & 0xffff);
  if (mode > 07777) e->mode = 0xffff;   /* refused by dsm_finish */
  e->mtime = mtime;
  e->size = (uint64_t)size;
  if (target) e->target = xstrdup(target);
  if (blocks) {
    if (!json_is_array(blocks)) { *why = "blocks must be an array"; return CAIRN_EINVAL; }
    size_t i;
    json_t *b;
    json_array_foreach(blocks, i, b) {
      const char *loc = json_string_value(b);
      char id[65];
      char *end;
      if (!loc || strlen(loc) < 66 || loc[64] != '+') { *why = "a block must be \"<sha256>+<size>\""; return CAIRN_EINVAL; }
      memcpy(id, loc, 64);
      id[64] = 0;
      unsigned long long sz = strtoull(loc + 65, &end, 10);
      if (*end || loc[65] < '0' || loc[65] > '9' || manifest_add(&e->blocks, id, sz)) {
        *why = "a block must be \"<sha256>+<size>\"";
        return CAIRN_EINVAL;
      }
    }
  }
  return 0;
}

int dsm_parse(const char *json, size_t len, struct ds_manifest *m, const char **why) {
  json_error_t err;
  json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
  dsm_init(m);
  *why = "manifest is not JSON";
  if (!root) return CAIRN_EINVAL;
  json_t *files = json_object_get(root, "files");
  int rc = 0;
  if (!json_is_array(files)) { *why = "manifest needs a files array"; rc = CAIRN_EINVAL; }
  size_t i;
  json_t *f;
  if (!rc) json_array_foreach(files, i, f) if ((rc = parse_entry(f, m, why))) break;
  json_decref(root);
  if (!rc) rc = dsm_finish(m, why);
  if (rc) dsm_free(m);
  return rc;
}

void dsm_id(const char *canonical, char out[65]) { sha256_hex(canonical, strlen(canonical), out); }

uint64_t dsm_bytes(const struct ds_manifest *m) {
  uint64_t t = 0;
  for (size_t i = 0; i < m->n; i++) if (m->e[i].type == DS_FILE) t += m->e[i].size;
  return t;
}

const struct ds_entry *dsm_find(const struct ds_manifest *m, const char *path) {
  size_t lo = 0, hi = m->n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(m->e[mid].path, path);
    if (!c) return &m->e[mid];
    if (c < 0) lo = mid + 1; else hi = mid;
  }
  return NULL;
}

/* The first entry whose path is >= key (entries are sorted by path, strcmp order). */
static size_t lower_bound(const struct ds_manifest *m, const char *key) {
  size_t lo = 0, hi = m->n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (strcmp(m->e[mid].path, key) < 0) lo = mid + 1; else hi = mid;
  }
  return lo;
}

int dsm_has_children(const struct ds_manifest *m, const char *dir) {
  size_t n = strlen(dir);
  char *key = xmalloc(n + 2);   /* "dir/": its subtree starts at the first entry >= it */
  memcpy(key, dir, n);
  key[n] = '/';
  key[n + 1] = 0;
  size_t lo = lower_bound(m, key);
  int yes = lo < m->n && !strncmp(m->e[lo].path, key, n + 1);
  xfree(key);
  return yes;
}

const struct ds_entry *dsm_lookup(const struct ds_manifest *m, const char *path, int *is_dir) {
  char real[DS_MAX_PATH + 1];
  *is_dir = 0;
  if (dsm_resolve(m, path, real)) return NULL;   /* escapes or loops */
  if (!*real) { *is_dir = 1; return NULL; }
  const struct ds_entry *e = dsm_find(m, real);
  if (!e) { *is_dir = dsm_has_children(m, real); return NULL; }
  if (e->type == DS_DIR) *is_dir = 1;
  return e;
}

void dsm_children(const struct ds_manifest *m, const char *dir, dsm_child_cb cb, void *ctx) {
  size_t n = strlen(dir);
  char pre[DS_MAX_PATH + 2];   /* "dir/" ("" for the root): the subtree is one run of entries */
  snprintf(pre, sizeof pre, "%s%s", dir, n ? "/" : "");
  size_t pl = strlen(pre);
  for (size_t i = lower_bound(m, pre); i < m->n;) {
    const char *p = m->e[i].path;
    if (strncmp(p, pre, pl)) break;   /* past the subtree */
    const char *rest = p + pl, *slash = strchr(rest, '/');
    if (!slash) { cb(ctx, rest, &m->e[i]); i++; continue; }
    /* a deeper entry: its first-level directory, given once (with no entry when the manifest has
     * none: archives without directory entries), then a jump past everything under it */
    char full[DS_MAX_PATH + 2];
    size_t k = (size_t)(slash - p);
    snprintf(full, sizeof full, "%.*s", (int)k, p);
    if (!dsm_find(m, full)) cb(ctx, full + pl, NULL);
    snprintf(full + k, sizeof full - k, "0");   /* '0' follows '/': the first path after "full/..." */
    i = lower_bound(m, full);
  }
}

