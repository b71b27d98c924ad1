/* bucket_settings.c - public access block and ownership controls (bucket_settings.h). */
#include "bucket_settings.h"
#include "buckets.h"
#include "svc_internal.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/sbuf.h"
#include "../util/xmlpath.h"
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *const flags[] = {"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"};
#define NFLAGS 4

void access_block_of(const char *json, struct access_block *out) {
  memset(out, 0, sizeof *out);
  if (!json) return;
  json_t *j = json_loads(json, 0, NULL);
  int *v[NFLAGS] = {&out->block_acls, &out->ignore_acls, &out->block_policy, &out->restrict_buckets};
  for (int i = 0; i < NFLAGS; i++) *v[i] = json_is_true(json_object_get(j, flags[i]));
  json_decref(j);
}

int ownership_enforced(const char *json) {
  if (!json) return 0;
  json_t *j = json_loads(json, 0, NULL);
  const char *o = json_string_value(json_object_get(j, "ObjectOwnership"));
  int e = o && !strcmp(o, "BucketOwnerEnforced");
  json_decref(j);
  return e;
}

int policy_is_public(const char *json) {
  json_t *p = json_loads(json ? json : "{}", 0, NULL), *st = json_object_get(p, "Statement"), *one;
  int pub = 0;
  size_t i;
  if (json_is_object(st)) st = json_pack("[O]", st); else json_incref(st);
  json_array_foreach(st, i, one) {
    const char *eff = json_string_value(json_object_get(one, "Effect"));
    json_t *pr = json_object_get(one, "Principal");
    if (json_is_object(pr)) pr = json_object_get(pr, "AWS");
    int star = json_is_string(pr) && !strcmp(json_string_value(pr), "*");
    size_t k;
    json_t *x;
    if (json_is_array(pr)) json_array_foreach(pr, k, x) star |= json_is_string(x) && !strcmp(json_string_value(x), "*");
    if (eff && !strcmp(eff, "Allow") && star && !json_object_get(one, "Condition")) pub = 1;
  }
  json_decref(st);
  json_decref(p);
  return pub;
}

/* ---- the XML ---- */

struct xparse { json_t *o; const char *why; };

static void pab_leaf(void *ctx, const char *path, const char *text) {
  struct xparse *x = ctx;
  const char *root = "/PublicAccessBlockConfiguration/";
  if (strncmp(path, root, strlen(root))) return;
  for (int i = 0; i < NFLAGS; i++)
    if (!strcmp(path + strlen(root), flags[i])) {
      if (strcmp(text, "true") && strcmp(text, "false")) x->why = "each flag is true or false";
      json_object_set_new(x->o, flags[i], json_boolean(!strcmp(text, "true")));
    }
}

static void own_leaf(void *ctx, const char *path, const char *text) {
  struct xparse *x = ctx;
  if (strcmp(path, "/OwnershipControls/Rule/ObjectOwnership")) return;
  if (strcmp(text, "BucketOwnerEnforced") && strcmp(text, "BucketOwnerPreferred") && strcmp(text, "ObjectWriter"))
    x->why = "ObjectOwnership is BucketOwnerEnforced, BucketOwnerPreferred or ObjectWriter";
  if (json_object_get(x->o, "ObjectOwnership")) x->why = "one rule, one ObjectOwnership";
  json_object_set_new(x->o, "ObjectOwnership", json_string(text));
}

static int put(svc_t *s, const struct principal *p, const char *bucket, enum authz_action a, const char *name,
               xmlpath_leaf_fn leaf, const char *xml, size_t len, const char **why) {
  *why = NULL;
  int rc = svc_bucket_check(s, p, bucket, a, NULL, NULL);
  if (rc || !xml) return rc ? rc : meta_bucket_config_set(s->meta, bucket, name, NULL);
  struct xparse x = {json_object(), NULL};
  rc = xmlpath_parse(xml, len, NULL, leaf, &x);
  if (!rc && (x.why || !json_object_size(x.o))) rc = CAIRN_EMALFORMEDXML, *why = x.why ? x.why : "nothing was set";
  char *d = rc ? NULL : json_dumps(x.o, JSON_COMPACT | JSON_SORT_KEYS);
  if (!rc) rc = meta_bucket_config_set(s->meta, bucket, name, d);
  free(d);
  json_decref(x.o);
  return rc;
}

int svc_access_block_put(svc_t *s, const struct principal *p, const char *bucket, const char *xml, size_t len, const char **why) {
  return put(s, p, bucket, AZ_PUT_ACCESS_BLOCK, "publicAccessBlock", pab_leaf, xml, len, why);
}

int svc_ownership_put(svc_t *s, const struct principal *p, const char *bucket, const char *xml, size_t len, const char **why) {
  return put(s, p, bucket, AZ_PUT_OWNERSHIP, "ownershipControls", own_leaf, xml, len, why);
}

int svc_access_block_get(svc_t *s, const struct principal *p, const char *bucket, char **xml) {
  int rc = svc_bucket_check(s, p, bucket, AZ_GET_ACCESS_BLOCK, NULL, NULL);
  char *j = NULL;
  if (!rc) rc = meta_bucket_config_get(s->meta, bucket, "publicAccessBlock", &j);
  if (rc) return rc == CAIRN_ENOENT ? CAIRN_ENOACCESSBLOCK : rc;
  struct access_block a;
  access_block_of(j, &a);
  xfree(j);
  int v[NFLAGS] = {a.block_acls, a.ignore_acls, a.block_policy, a.restrict_buckets};
  sbuf_t b = {0};
  sbuf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PublicAccessBlockConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
  for (int i = 0; i < NFLAGS; i++) sbuf_xml(&b, flags[i], v[i] ? "true" : "false");
  sbuf_adds(&b, "</PublicAccessBlockConfiguration>\n");
  *xml = sbuf_steal(&b);
  return 0;
}

int svc_ownership_get(svc_t *s, const struct principal *p, const char *bucket, char **xml) {
  int rc = svc_bucket_check(s, p, bucket, AZ_GET_OWNERSHIP, NULL, NULL);
  char *j = NULL;
  if (!rc) rc = meta_bucket_config_get(s->meta, bucket, "ownershipControls", &j);
  if (rc) return rc == CAIRN_ENOENT ? CAIRN_ENOOWNERSHIP : rc;
  json_t *o = json_loads(j, 0, NULL);
  xfree(j);
  sbuf_t b = {0};
  sbuf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<OwnershipControls xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Rule>");
  const char *v = json_string_value(json_object_get(o, "ObjectOwnership"));
  sbuf_xml(&b, "ObjectOwnership", v ? v : "BucketOwnerEnforced");
  sbuf_adds(&b, "</Rule></OwnershipControls>\n");
  json_decref(o);
  *xml = sbuf_steal(&b);
  return 0;
}
