/* cmd_dataset.c - the dataset commands that read or move tags: `cairn ls [NAME[:TAG [PATH]]]`,
 * `cairn cat NAME:TAG PATH`, `cairn tag NAME:SRC NAME:DST`, `cairn tag history NAME:TAG`,
 * `cairn rm NAME:TAG`, `cairn diff NAME:A NAME:B`, `cairn dataset public NAME on|off`. */
#include "cli.h"
#include "ds_remote.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/timeutil.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static json_t *get_json(const char *what, const char *path) {
  struct client_resp resp;
  if (cli_call(what, "GET", path, NULL, 0, NULL, 64u << 20, &resp)) return NULL;
  json_t *j = json_loadb(resp.body.s, resp.body.len, 0, NULL);
  client_resp_free(&resp);
  if (!j) cli_fail("%s: the answer is not JSON", what);
  return j;
}

static void fmt_time(int64_t sec, char *out, size_t cap) {
  struct tm tm;
  time_t t = (time_t)sec;
  gmtime_r(&t, &tm);
  strftime(out, cap, "%Y-%m-%d %H:%M:%S", &tm);
}

/* GETs base?page_size=1000[&page_token=...] until the last page, printing each item of key. */
static int each_page(const char *what, const char *base, const char *key, void (*print)(json_t *item)) {
  char path[700];
  snprintf(path, sizeof path, "%s?page_size=1000", base);   /* query in SigV4 (sorted) order */
  for (;;) {
    json_t *j = get_json(what, path);
    if (!j) return 1;
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(j, key), i, item) print(item);
    const char *next = json_string_value(json_object_get(j, "next_page_token"));
    if (next) snprintf(path, sizeof path, "%s?page_size=1000&page_token=%s", base, next);
    json_decref(j);
    if (!next) return 0;
  }
}

static void print_dataset(json_t *d) {
  printf("%s\t%lld tags%s\n", json_string_value(json_object_get(d, "name")),
         (long long)json_integer_value(json_object_get(d, "tags")), json_is_true(json_object_get(d, "public")) ? "\tpublic" : "");
}

static void print_tag(json_t *t) {
  printf("%-20s %.12s  %12lld bytes  %6lld files  %s%s\n", json_string_value(json_object_get(t, "tag")),
         json_string_value(json_object_get(t, "version")), (long long)json_integer_value(json_object_get(t, "size")),
         (long long)json_integer_value(json_object_get(t, "files")), json_string_value(json_object_get(t, "updated")),
         json_is_true(json_object_get(t, "floating")) ? "  (floating)" : "");
}

static int ls_tags(const char *name) {
  char base[300];
  snprintf(base, sizeof base, "/v1/datasets/%s/tags", name);
  return each_page("listing tags", base, "tags", print_tag);
}

static int ls_files(struct ds_ref *r, const char *prefix) {
  struct ds_manifest m;
  if (ds_resolve(r) || ds_fetch_manifest(r, &m)) return 1;
  size_t pl = prefix ? strlen(prefix) : 0;
  int shown = 0;
  for (size_t i = 0; i < m.n; i++) {
    const struct ds_entry *e = &m.e[i];
    if (pl && strcmp(e->path, prefix) && (strncmp(e->path, prefix, pl) || e->path[pl] != '/')) continue;
    char ts[32];
    fmt_time(e->mtime, ts, sizeof ts);
    char t = e->type == DS_DIR ? 'd' : e->type == DS_LINK ? 'l' : '-';
    printf("%c%04o %12llu %s %s%s%s\n", t, e->mode, (unsigned long long)e->size, ts, e->path,
           e->type == DS_LINK ? " -> " : "", e->type == DS_LINK ? e->target : "");
    shown++;
  }
  dsm_free(&m);
  if (pl && !shown) return cli_fail("%s: no such path in %s:%s", prefix, r->name, r->tag);
  return 0;
}

int cmd_ls(int argc, char **argv) {
  if (argc == 0) return each_page("listing datasets", "/v1/datasets", "datasets", print_dataset);
  struct ds_ref r;
  if (ds_parse_ref(argv[0], 0, &r)) return 1;
  if (!*r.tag) return argc == 1 ? ls_tags(r.name) : cli_fail("usage: cairn ls [NAME[:TAG [PATH]]]");
  return ls_files(&r, argc > 1 ? argv[1] : NULL);
}

int cmd_cat(int argc, char **argv) {
  if (argc != 2) { fprintf(stderr, "usage: cairn cat NAME:TAG PATH\n"); return 2; }
  struct ds_ref r;
  struct ds_manifest m;
  if (ds_parse_ref(argv[0], 1, &r) || ds_resolve(&r) || ds_fetch_manifest(&r, &m)) return 1;
  int is_dir;
  const struct ds_entry *e = dsm_lookup(&m, argv[1], &is_dir);   /* symlinks followed inside the tree */
  if (!e || e->type != DS_FILE) { dsm_free(&m); return cli_fail("%s: not a file in %s:%s", argv[1], r.name, r.tag); }
  struct client c;
  client_init(&c);
  client_keep(&c);
  int rc = 0;
  uint64_t maxb = 1;
  for (size_t k = 0; k < e->blocks.n; k++) if (e->blocks.b[k].size > maxb) maxb = e->blocks.b[k].size;
  char *buf = xmalloc(maxb), msg[600];
  for (size_t k = 0; k < e->blocks.n && !rc; k++) {
    if (ds_fetch_block(&c, e->blocks.b[k].id, e->blocks.b[k].size, buf, msg, sizeof msg)) rc = cli_fail("cat: %s", msg);
    else if (fwrite(buf, 1, e->blocks.b[k].size, stdout) != e->blocks.b[k].size) rc = cli_fail("cat: write error");
  }
  xfree(buf);
  client_close(&c);
  dsm_free(&m);
  return rc;
}

static int tag_history(const char *spec) {
  struct ds_ref r;
  if (ds_parse_ref(spec, 1, &r)) return 1;
  char path[512];
  snprintf(path, sizeof path, "/v1/datasets/%s/tags/%s/history", r.name, r.tag);
  json_t *j = get_json("reading the tag history", path);
  if (!j) return 1;
  size_t i;
  json_t *h;
  json_array_foreach(json_object_get(j, "history"), i, h) {
    const char *v = json_string_value(json_object_get(h, "version"));
    printf("%s  %s\n", json_string_value(json_object_get(h, "at")), v ? v : "(deleted)");
  }
  json_decref(j);
  return 0;
}

int cmd_tag(int argc, char **argv) {
  if (argc == 2 && !strcmp(argv[0], "history")) return tag_history(argv[1]);
  if (argc != 2) { fprintf(stderr, "usage: cairn tag NAME:SRC NAME:DST | cairn tag history NAME:TAG\n"); return 2; }
  struct ds_ref src, dst;
  if (ds_parse_ref(argv[0], 1, &src) || ds_parse_ref(argv[1], 1, &dst)) return 1;
  if (strcmp(src.name, dst.name)) return cli_fail("tag: both sides must name the same dataset");
  if (ds_resolve(&src)) return 1;
  char path[512], body[128];
  snprintf(path, sizeof path, "/v1/datasets/%s/tags/%s", dst.name, dst.tag);
  snprintf(body, sizeof body, "{\"version\":\"%s\"}", src.version);
  struct client_resp resp;
  if (cli_call("tagging", "PUT", path, body, strlen(body), NULL, 1 << 16, &resp)) return 1;
  client_resp_free(&resp);
  printf("%s:%s -> %s\n", dst.name, dst.tag, src.version);
  return 0;
}

int cmd_rm(int argc, char **argv) {
  if (argc != 1) { fprintf(stderr, "usage: cairn rm NAME:TAG\n"); return 2; }
  struct ds_ref r;
  if (ds_parse_ref(argv[0], 1, &r)) return 1;
  char path[512];
  snprintf(path, sizeof path, "/v1/datasets/%s/tags/%s", r.name, r.tag);
  struct client_resp resp;
  if (cli_call("removing the tag", "DELETE", path, NULL, 0, NULL, 1 << 16, &resp)) return 1;
  client_resp_free(&resp);
  return 0;
}

/* ---- diff ---- */

struct bref { const char *id; uint64_t size; };
static int by_id(const void *a, const void *b) { return strcmp(((const struct bref *)a)->id, ((const struct bref *)b)->id); }

static struct bref *unique_blocks(const struct ds_manifest *m, size_t *n) {
  size_t cap = 0;
  for (size_t i = 0; i < m->n; i++) cap += m->e[i].blocks.n;
  struct bref *v = xmalloc((cap + 1) * sizeof *v);
  size_t k = 0;
  for (size_t i = 0; i < m->n; i++)
    for (size_t j = 0; j < m->e[i].blocks.n; j++) v[k++] = (struct bref){m->e[i].blocks.b[j].id, m->e[i].blocks.b[j].size};
  if (k) qsort(v, k, sizeof *v, by_id);
  size_t u = 0;
  for (size_t i = 0; i < k; i++) if (!u || strcmp(v[u - 1].id, v[i].id)) v[u++] = v[i];
  *n = u;
  return v;
}

static int same_entry(const struct ds_entry *a, const struct ds_entry *b) {
  if (a->type != b->type || a->mode != b->mode || a->size != b->size || a->blocks.n != b->blocks.n) return 0;
  if (a->type == DS_LINK) return !strcmp(a->target, b->target);
  for (size_t k = 0; k < a->blocks.n; k++) if (strcmp(a->blocks.b[k].id, b->blocks.b[k].id)) return 0;
  return 1;
}

int cmd_diff(int argc, char **argv) {
  if (argc != 2) { fprintf(stderr, "usage: cairn diff NAME:A NAME:B\n"); return 2; }
  struct ds_ref ra, rb;
  struct ds_manifest a, b;
  if (ds_parse_ref(argv[0], 1, &ra) || ds_parse_ref(argv[1], 1, &rb)) return 1;
  if (ds_resolve(&ra) || ds_fetch_manifest(&ra, &a)) return 1;
  if (ds_resolve(&rb) || ds_fetch_manifest(&rb, &b)) { dsm_free(&a); return 1; }
  size_t i = 0, j = 0, added = 0, removed = 0, changed = 0;
  while (i < a.n || j < b.n) {   /* both sorted by path */
    int c = i == a.n ? 1 : j == b.n ? -1 : strcmp(a.e[i].path, b.e[j].path);
    if (c < 0) { printf("- %s\n", a.e[i++].path); removed++; }
    else if (c > 0) { printf("+ %s\n", b.e[j++].path); added++; }
    else {
      if (!same_entry(&a.e[i], &b.e[j])) { printf("M %s\n", a.e[i].path); changed++; }
      i++; j++;
    }
  }
  size_t na, nb;
  struct bref *ua = unique_blocks(&a, &na), *ub = unique_blocks(&b, &nb);
  uint64_t shared = 0, ta = 0, tb = 0;
  for (size_t x = 0; x < na; x++) ta += ua[x].size;
  for (size_t x = 0; x < nb; x++) tb += ub[x].size;
  for (size_t x = 0, y = 0; x < na && y < nb;) {
    int c = strcmp(ua[x].id, ub[y].id);
    if (!c) { shared += ua[x].size; x++; y++; }
    else if (c < 0) x++; else y++;
  }
  printf("%zu added, %zu removed, %zu changed; the two share %llu bytes (%.1f%% of %s:%s, %.1f%% of %s:%s)\n",
         added, removed, changed, (unsigned long long)shared, ta ? 100.0 * (double)shared / (double)ta : 100.0,
         ra.name, ra.tag, tb ? 100.0 * (double)shared / (double)tb : 100.0, rb.name, rb.tag);
  xfree(ua); xfree(ub);
  dsm_free(&a); dsm_free(&b);
  return 0;
}

int cmd_dataset(int argc, char **argv) {
  if (argc != 3 || strcmp(argv[0], "public") || (strcmp(argv[2], "on") && strcmp(argv[2], "off"))) {
    fprintf(stderr, "usage: cairn dataset public NAME on|off\n");
    return 2;
  }
  char path[512], body[64];
  snprintf(path, sizeof path, "/v1/datasets/%s/public", argv[1]);
  snprintf(body, sizeof body, "{\"public\":%s}", !strcmp(argv[2], "on") ? "true" : "false");
  struct client_resp resp;
  if (cli_call("setting the public flag", "PUT", path, body, strlen(body), NULL, 1 << 16, &resp)) return 1;
  client_resp_free(&resp);
  return 0;
}
