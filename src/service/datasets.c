/* datasets.c - dataset operations with their authorization (see datasets.h). */
#include "datasets.h"
#include "spaces.h"
#include "blocks.h"
#include "svc_internal.h"
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

/* A dataset named <projectID>.<name> belongs to that project (the longest such id of a cairn
 * project): its members reach it by their roles, and its versions count in the project's quota. */
struct proj_find { const char *name; char id[65], bucket[64]; size_t best; };
static int find_project(void *ctx, const struct meta_space *sp) {
  struct proj_find *f = ctx;
  size_t n = strlen(sp->id);
  if (*sp->bucket && n > f->best && !strncmp(f->name, sp->id, n) && f->name[n] == '.' && f->name[n + 1]) {
    f->best = n;
    snprintf(f->id, sizeof f->id, "%s", sp->id);
    snprintf(f->bucket, sizeof f->bucket, "%s", sp->bucket);
  }
  return 0;
}

/* 0 when p may read (write 0) or write a dataset as a member of the project it belongs to. */
static int project_allows(svc_t *s, const struct principal *p, const char *name, int write, char bucket[64]) {
  struct proj_find f = {name, "", "", 0};
  if (bucket) *bucket = 0;
  if (!strchr(name, '.') || meta_space_list(s->meta, "project", find_project, &f) || !f.best) return CAIRN_EAUTH;
  if (bucket) snprintf(bucket, 64, "%s", f.bucket);
  if (p->kind == PRINCIPAL_ADMIN) return 0;
  if (p->kind == PRINCIPAL_ANONYMOUS) return CAIRN_EAUTH;
  char role[16];
  svc_space_role(s, SPACE_PROJECT, f.id, p->name, role);
  if (!*role) return CAIRN_EAUTH;
  return !write || !strcmp(role, "manager") || !strcmp(role, "contributor") ? 0 : CAIRN_EAUTH;
}

static int ds_authz(svc_t *s, const struct principal *p, int write, const struct meta_dataset *d) {
  int rc = authz_dataset(p, write, d->owner, d->public_read);
  return rc && !project_allows(s, p, d->name, write, NULL) ? 0 : rc;
}

/* Write access to a dataset that may not exist yet: anyone with a key may create one, except a
 * project's (<projectID>.<name>), which its contributors and managers make. */
static int may_write(svc_t *s, const struct principal *p, const char *name, char space_bucket[64]) {
  if (p->kind == PRINCIPAL_ANONYMOUS) return CAIRN_EAUTH;
  struct meta_dataset d;
  int in_project = !project_allows(s, &(struct principal){PRINCIPAL_ADMIN, "", NULL}, name, 1, space_bucket);
  int rc = meta_ds_get(s->meta, name, &d);
  if (rc == CAIRN_ENOENT) return in_project ? project_allows(s, p, name, 1, NULL) : 0;
  return rc ? rc : ds_authz(s, p, 1, &d);
}

/* Keep's rule: a manifest may only name blocks the caller has shown it holds (uploaded: a claim),
 * so knowing a file's SHA-256 is not enough to read it through a dataset. Admins are exempt. */
static int claimed(svc_t *s, const struct principal *p, const char *id) {
  return p->kind == PRINCIPAL_ADMIN ? 1 : meta_block_claimed(s->meta, p->name, id);
}

int svc_ds_commit(svc_t *s, const struct principal *p, const char *name, const char *json, size_t len,
                  char id_out[65], const char **why, char **missing_out) {
  struct ds_manifest dm;
  *missing_out = NULL;
  *why = NULL;
  if (!datasets_name_ok(name)) { *why = "dataset names are [a-z0-9][a-z0-9._-]*, at most 128"; return CAIRN_EINVAL; }
  char space_bucket[64] = "";
  int rc = may_write(s, p, name, space_bucket);
  if (rc) return rc;
  if ((rc = dsm_parse(json, len, &dm, why))) return rc;
  sbuf_t blocks = {0}, missing = {0}, unclaimed = {0};
  int nmissing = 0, nunclaimed = 0;
  int64_t files = 0;
  for (size_t i = 0; i < dm.n && !rc; i++) {
    const struct ds_entry *e = &dm.e[i];
    if (e->type == DS_FILE) files++;
    for (size_t k = 0; k < e->blocks.n && !rc; k++) {
      const struct mblock *b = &e->blocks.b[k];
      uint64_t have;
      sbuf_printf(&blocks, "%s+%llu\n", b->id, (unsigned long long)b->size);
      int c = claimed(s, p, b->id);
      if (c < 0) { rc = c; break; }
      if (!c) {
        if (nunclaimed++ < 100) sbuf_printf(&unclaimed, "%s+%llu\n", b->id, (unsigned long long)b->size);
        continue;
      }
      if (!store_has(s->store, b->id, &have) && have == b->size) continue;
      if (nmissing++ < 100) sbuf_printf(&missing, "%s+%llu\n", b->id, (unsigned long long)b->size);
    }
  }
  if (!rc && (nunclaimed || nmissing)) {
    *why = nunclaimed ? "the manifest names blocks you have not uploaded: upload them first"
                      : "the manifest names blocks the server does not have: upload them first";
    sbuf_t *list = nunclaimed ? &unclaimed : &missing;
    *missing_out = list->s ? list->s : xstrdup("");
    list->s = NULL;
    rc = nunclaimed ? CAIRN_EAUTH : CAIRN_ENOENT;
  }
  if (rc) {
    sbuf_free(&blocks);
    sbuf_free(&missing);
    sbuf_free(&unclaimed);
    dsm_free(&dm);
    return rc;
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
  v.space_bucket = *space_bucket ? space_bucket : NULL;
  rc = meta_ds_version_put(s->meta, name, p->kind == PRINCIPAL_ANONYMOUS ? "" : p->name, &v);
  xfree(canon);
  sbuf_free(&blocks);
  sbuf_free(&missing);
  dsm_free(&dm);
  return rc;
}

int svc_ds_get(svc_t *s, const struct principal *p, const char *name, int write, struct meta_dataset *out) {
  int rc = meta_ds_get(s->meta, name, out);
  if (rc == CAIRN_ENOENT && p->kind == PRINCIPAL_ANONYMOUS) return CAIRN_EAUTH;   /* no existence oracle */
  return rc ? rc : ds_authz(s, p, write, out);
}

struct list_ctx { svc_t *s; const struct principal *p; meta_dataset_cb cb; void *ctx; };
static int list_one(void *ctx, const struct meta_dataset *d) {
  struct list_ctx *l = ctx;
  return ds_authz(l->s, l->p, 0, d) ? 0 : l->cb(l->ctx, d);
}

int svc_ds_list(svc_t *s, const struct principal *p, const char *after, int limit, meta_dataset_cb cb, void *ctx) {
  struct list_ctx l = {s, p, cb, ctx};
  return meta_ds_list(s->meta, after, limit, list_one, &l);
}

int svc_ds_version_get(svc_t *s, const struct principal *p, const char *name, const char *id, struct meta_dsversion *out) {
  struct meta_dataset d;
  int rc = svc_ds_get(s, p, name, 0, &d);
  return rc ? rc : meta_ds_version_get(s->meta, name, id, out);
}

/* Read access, then tag (or a 64-hex version id) -> version. */
static int ds_resolve(svc_t *s, const struct principal *p, const char *name, const char *tag, char version[65],
                      int *immutable, int *public_read) {
  struct meta_dataset d;
  int rc = svc_ds_get(s, p, name, 0, &d);
  if (rc) return rc;
  *public_read = d.public_read;
  if (strlen(tag) == 64 && strspn(tag, "0123456789abcdef") == 64) {
    memcpy(version, tag, 65);
    *immutable = 1;
    return 0;
  }
  struct meta_dstag t;
  if ((rc = meta_ds_tag_get(s->meta, name, tag, &t))) return rc;
  memcpy(version, t.version, 65);
  *immutable = !t.floating;
  return 0;
}

int svc_ds_open(svc_t *s, const struct principal *p, const char *name, const char *tag, char version[65],
                int *immutable, int *public_read, char **manifest) {
  int rc = ds_resolve(s, p, name, tag, version, immutable, public_read);
  if (rc) return rc;
  struct meta_dsversion v;
  if ((rc = meta_ds_version_get(s->meta, name, version, &v))) return rc;
  *manifest = v.manifest;
  v.manifest = NULL;
  meta_dsversion_clear(&v);
  return 0;
}

int svc_ds_view_open(svc_t *s, const struct principal *p, const char *name, const char *tag, char version[65],
                     int *immutable, int *public_read, ds_view_t **out) {
  int rc = ds_resolve(s, p, name, tag, version, immutable, public_read);
  if (rc) return rc;
  /* keyed by dataset and version: a version id is only readable through a dataset that has it */
  char *key = xasprintf("%s\n%s", name, version);
  ds_view_t *v = ds_views_get(s->views, key);
  if (!v) {
    struct meta_dsversion dv;
    if (!(rc = meta_ds_version_get(s->meta, name, version, &dv))) {
      struct ds_manifest m;
      const char *why;
      size_t len = strlen(dv.manifest);
      rc = dsm_parse(dv.manifest, len, &m, &why) ? CAIRN_EIO : 0;   /* stored, so it was checked */
      meta_dsversion_clear(&dv);
      if (!rc) v = ds_views_add(s->views, key, &m, 2 * len + 256);
    }
  }
  xfree(key);
  *out = v;
  return rc;
}

void svc_ds_view_close(svc_t *s, ds_view_t *v) { ds_views_release(s->views, v); }

int svc_ds_locators(svc_t *s, const struct principal *p, const char *name, const char *id, char **out) {
  struct meta_dsversion v;
  int rc = svc_ds_version_get(s, p, name, id, &v);
  if (rc) return rc;
  struct ds_manifest dm;
  const char *why;
  rc = dsm_parse(v.manifest, strlen(v.manifest), &dm, &why) ? CAIRN_EIO : 0;
  meta_dsversion_clear(&v);
  if (rc) return rc;
  sbuf_t j = {0};
  sbuf_addc(&j, '{');
  int first = 1;
  for (size_t i = 0; i < dm.n; i++)
    for (size_t k = 0; k < dm.e[i].blocks.n; k++) {
      const struct mblock *b = &dm.e[i].blocks.b[k];
      char loc[LOCATOR_MAX + 1];
      svc_block_sign(s, b->id, b->size, loc);
      sbuf_printf(&j, "%s\"%s+%llu\":\"%s\"", first ? "" : ",", b->id, (unsigned long long)b->size, loc);
      first = 0;
    }
  sbuf_addc(&j, '}');
  dsm_free(&dm);
  *out = j.s;
  return 0;
}

int svc_ds_tag_get(svc_t *s, const struct principal *p, const char *name, const char *tag, struct meta_dstag *out) {
  struct meta_dataset d;
  int rc = svc_ds_get(s, p, name, 0, &d);
  return rc ? rc : meta_ds_tag_get(s->meta, name, tag, out);
}

int svc_ds_tag_set(svc_t *s, const struct principal *p, const char *name, const struct meta_dstag *t) {
  struct meta_dataset d;
  int rc = svc_ds_get(s, p, name, 1, &d);
  if (!rc) rc = meta_ds_tag_set(s->meta, name, t);
  if (!rc) atomic_fetch_add(&s->ds_gen, 1);
  return rc;
}

uint64_t svc_ds_generation(svc_t *s) { return atomic_load(&s->ds_gen); }

int svc_ds_tag_delete(svc_t *s, const struct principal *p, const char *name, const char *tag) {
  struct meta_dataset d;
  int rc = svc_ds_get(s, p, name, 1, &d);
  if (!rc) space_guard(s->space);
  if (!rc) rc = meta_ds_tag_delete(s->meta, name, tag, time_now_ms());
  if (!rc) atomic_fetch_add(&s->ds_gen, 1);
  return rc;
}

int svc_ds_tag_list(svc_t *s, const struct principal *p, const char *name, const char *after, int limit,
                    meta_dstag_cb cb, void *ctx) {
  struct meta_dataset d;
  int rc = svc_ds_get(s, p, name, 0, &d);
  return rc ? rc : meta_ds_tag_list(s->meta, name, after, limit, cb, ctx);
}

int svc_ds_tag_history(svc_t *s, const struct principal *p, const char *name, const char *tag, meta_dstag_cb cb, void *ctx) {
  struct meta_dataset d;
  int rc = svc_ds_get(s, p, name, 0, &d);
  return rc ? rc : meta_ds_tag_history(s->meta, name, tag, cb, ctx);
}

int svc_ds_set_public(svc_t *s, const struct principal *p, const char *name, int on) {
  struct meta_dataset d;
  int rc = svc_ds_get(s, p, name, 1, &d);
  return rc ? rc : meta_ds_set_public(s->meta, name, on);
}
