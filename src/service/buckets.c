/* buckets.c - bucket operations with their authorization (buckets.h), and the authorization view
 * of a bucket row shared by every service that acts on objects. */
#include "buckets.h"
#include "bucket_settings.h"
#include "cors.h"
#include "policy.h"
#include "svc_internal.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/timeutil.h"
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_POLICY (20 * 1024)   /* S3's limit on a bucket policy */

int svc_bucket_name_ok(const char *b) {
  size_t n = strlen(b);
  if (n < 3 || n > 63 || !isalnum((unsigned char)b[0]) || !isalnum((unsigned char)b[n - 1])) return 0;
  for (size_t i = 0; i < n; i++)
    if (!(islower((unsigned char)b[i]) || isdigit((unsigned char)b[i]) || b[i] == '-' || b[i] == '.')) return 0;
  return !strstr(b, "..");
}

int svc_authz_bucket(const struct meta_bucket *b, struct authz_bucket *out) {
  struct access_block ab;
  access_block_of(b->access_block, &ab);
  int public_acl = b->acl[0] && strcmp(b->acl, "private");
  /* IgnorePublicAcls: a public canned ACL counts as private; RestrictPublicBuckets: a public
   * policy allows anonymous nothing */
  *out = (struct authz_bucket){b->name, b->owner, ab.ignore_acls && public_acl ? "private" : b->acl, b->grants, NULL,
                               ab.restrict_buckets && b->policy && policy_is_public(b->policy)};
  if (!b->policy) return 0;
  struct policy *pol;
  const char *why;
  if (policy_parse(b->policy, strlen(b->policy), b->name, &pol, &why)) return CAIRN_EIO;   /* checked when set */
  out->policy = pol;
  return 0;
}

void svc_authz_bucket_free(struct authz_bucket *ab) {
  policy_free((struct policy *)ab->policy);
  ab->policy = NULL;
}

/* Loads the bucket and decides; the row is returned in *out when asked (meta_bucket_clear). */
int svc_bucket_load(svc_t *s, const struct principal *p, const char *name, enum authz_action a,
                      const char *key, const char *prefix, struct meta_bucket *out) {
  struct meta_bucket b;
  int rc = meta_bucket_get(s->meta, name, &b);
  if (rc) return rc;
  struct authz_bucket ab;
  rc = svc_authz_bucket(&b, &ab);
  if (!rc) rc = authz_bucket(p, a, &ab, key, prefix);
  svc_authz_bucket_free(&ab);
  if (!rc && (a == AZ_DELETE_OBJECT || a == AZ_DELETE_OBJECT_VERSION || a == AZ_DELETE_BUCKET || a == AZ_ABORT_UPLOAD)) space_guard(s->space);
  if (!rc && out) *out = b;
  else meta_bucket_clear(&b);
  return rc;
}

int svc_bucket_check(svc_t *s, const struct principal *p, const char *name, enum authz_action a,
                     const char *key, const char *prefix) {
  return svc_bucket_load(s, p, name, a, key, prefix, NULL);
}

int svc_object_write_check(svc_t *s, const struct principal *p, const char *bucket, const char *key,
                           struct svc_write *w) {
  struct meta_bucket b;
  int rc = svc_bucket_load(s, p, bucket, AZ_PUT_OBJECT, key, NULL, &b);
  int rules = !rc && b.lifecycle, versioning = rc ? VERSIONING_OFF : svc_versioning_of(b.versioning);
  if (!rc) meta_bucket_clear(&b);
  const char *why;
  if (!rc) rc = space_writes_ok(s->space, &why);   /* 507 before any byte is read */
  if (w) {
    w->allowed = !rc && strlen(bucket) < sizeof w->bucket && strlen(key) < sizeof w->key;
    w->lifecycle = rules;
    w->versioning = versioning;
    snprintf(w->bucket, sizeof w->bucket, "%s", bucket);
    snprintf(w->key, sizeof w->key, "%s", key);
  }
  return rc;
}

int svc_bucket_create(svc_t *s, const struct principal *p, const char *name, const char *acl) {
  if (p->kind == PRINCIPAL_ANONYMOUS) return CAIRN_EAUTH;
  if (!svc_bucket_name_ok(name)) return CAIRN_EBUCKETNAME;
  if (acl && !authz_acl_known(acl)) return CAIRN_EINVAL;
  if (!strncmp(name, "mirror-", 7) && p->kind != PRINCIPAL_ADMIN) return CAIRN_EBUCKETTAKEN;   /* the regional mirror's (mirror.h) */
  struct meta_bucket b = {0};
  snprintf(b.name, sizeof b.name, "%s", name);
  snprintf(b.owner, sizeof b.owner, "%s", p->name ? p->name : "");
  snprintf(b.acl, sizeof b.acl, "%s", acl ? acl : "private");
  b.created_ms = time_now_ms();
  int rc = meta_bucket_create(s->meta, &b);
  if (rc == CAIRN_EBUCKETEXISTS) {   /* yours, or someone else's */
    struct meta_bucket old;
    if (!meta_bucket_get(s->meta, name, &old)) {
      if (strcmp(old.owner, b.owner)) rc = CAIRN_EBUCKETTAKEN;
      meta_bucket_clear(&old);
    }
  }
  return rc;
}

int svc_bucket_delete(svc_t *s, const struct principal *p, const char *name) {
  int rc = svc_bucket_check(s, p, name, AZ_DELETE_BUCKET, NULL, NULL);
  return rc ? rc : meta_bucket_delete(s->meta, name);
}

struct list_ctx { const struct principal *p; svc_bucket_cb cb; void *ctx; };

static int list_one(void *ctx, const struct meta_bucket *b) {
  struct list_ctx *l = ctx;
  if (l->p->kind != PRINCIPAL_ADMIN && strcmp(b->owner, l->p->name ? l->p->name : "")) return 0;
  return l->cb(l->ctx, b->name, b->created_ms);
}

int svc_bucket_list(svc_t *s, const struct principal *p, svc_bucket_cb cb, void *ctx) {
  if (p->kind == PRINCIPAL_ANONYMOUS) return CAIRN_EAUTH;
  struct list_ctx l = {p, cb, ctx};
  return meta_bucket_list(s->meta, list_one, &l);
}

/* What the bucket's settings forbid of a new ACL: public ones under BlockPublicAcls (403), any
 * but private under BucketOwnerEnforced (ACLs disabled). */
static int acl_allowed(const struct meta_bucket *b, const char *acl, int has_grants) {
  struct access_block ab;
  access_block_of(b->access_block, &ab);
  int public_acl = strcmp(acl, "private") != 0;
  if (ownership_enforced(b->ownership) && (public_acl || has_grants)) return CAIRN_EACLNOTSUPPORTED;
  if (ab.block_acls && public_acl) return CAIRN_EAUTH;
  return 0;
}

int svc_bucket_set_acl(svc_t *s, const struct principal *p, const char *name, const char *acl) {
  if (!authz_acl_known(acl)) return CAIRN_EINVAL;
  struct meta_bucket b;
  int rc = svc_bucket_load(s, p, name, AZ_PUT_ACL, NULL, NULL, &b);
  if (rc) return rc;
  rc = acl_allowed(&b, acl, 0);
  if (!rc) rc = meta_bucket_set_acl(s->meta, name, acl, b.grants);
  meta_bucket_clear(&b);
  return rc;
}

int svc_bucket_replace_acl(svc_t *s, const struct principal *p, const char *name, const char *acl, const char *grants) {
  if (!authz_acl_known(acl)) return CAIRN_EINVAL;
  json_t *g = grants ? json_loads(grants, 0, NULL) : json_object();
  const char *user;
  json_t *perms, *one;
  int rc = json_is_object(g) ? 0 : CAIRN_EINVAL;
  json_object_foreach(g, user, perms) {
    size_t i;
    if (!*user || strlen(user) > 64 || !json_is_array(perms) || !json_array_size(perms)) rc = CAIRN_EINVAL;
    json_array_foreach(perms, i, one) if (!json_is_string(one) || !authz_perm_bits(json_string_value(one))) rc = CAIRN_EINVAL;
  }
  struct meta_bucket b;
  if (!rc && !(rc = svc_bucket_load(s, p, name, AZ_PUT_ACL, NULL, NULL, &b))) {
    json_object_del(g, b.owner);   /* the owner's own FULL_CONTROL is implied, never a grant */
    char *enc = json_object_size(g) ? json_dumps(g, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    rc = acl_allowed(&b, acl, enc != NULL);
    if (!rc) rc = meta_bucket_set_acl(s->meta, name, acl, enc);
    free(enc);
    meta_bucket_clear(&b);
  }
  json_decref(g);
  return rc;
}

int svc_bucket_grant(svc_t *s, const struct principal *p, const char *name, const char *user, const char *perms) {
  if (!user || !*user || strlen(user) > 64) return CAIRN_EINVAL;
  json_t *list = json_array();
  char *copy = xstrdup(perms ? perms : "");
  int rc = 0;
  for (char *save = NULL, *t = strtok_r(copy, ",", &save); t && !rc; t = strtok_r(NULL, ",", &save)) {
    if (!authz_perm_bits(t)) rc = CAIRN_EINVAL;
    else json_array_append_new(list, json_string(t));
  }
  xfree(copy);
  struct meta_bucket b;
  if (!rc) rc = svc_bucket_load(s, p, name, AZ_PUT_ACL, NULL, NULL, &b);
  if (rc) { json_decref(list); return rc; }
  if (json_array_size(list) && ownership_enforced(b.ownership)) { json_decref(list); meta_bucket_clear(&b); return CAIRN_EACLNOTSUPPORTED; }
  json_t *g = b.grants ? json_loads(b.grants, 0, NULL) : NULL;
  if (!json_is_object(g)) { json_decref(g); g = json_object(); }
  if (json_array_size(list)) json_object_set_new(g, user, list);
  else { json_object_del(g, user); json_decref(list); }
  char *enc = json_object_size(g) ? json_dumps(g, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  rc = meta_bucket_set_acl(s->meta, name, b.acl, enc);
  free(enc);
  json_decref(g);
  meta_bucket_clear(&b);
  return rc;
}

int svc_bucket_set_policy(svc_t *s, const struct principal *p, const char *name, const char *json, const char **why) {
  *why = NULL;
  struct meta_bucket b;
  int rc = svc_bucket_load(s, p, name, AZ_PUT_POLICY, NULL, NULL, &b);
  if (rc) return rc;
  struct access_block ab;
  access_block_of(b.access_block, &ab);
  meta_bucket_clear(&b);
  if (json && ab.block_policy && policy_is_public(json)) { *why = "BlockPublicPolicy refuses a public policy"; return CAIRN_EAUTH; }
  if (json) {
    struct policy *pol;
    if (strlen(json) > MAX_POLICY) { *why = "a policy is at most 20 KiB"; return CAIRN_EMALFORMEDPOLICY; }
    if (policy_parse(json, strlen(json), name, &pol, why)) return CAIRN_EMALFORMEDPOLICY;
    policy_free(pol);
  }
  return meta_bucket_set_policy(s->meta, name, json);
}

int svc_bucket_access(svc_t *s, const struct principal *p, const char *name, char **out) {
  struct meta_bucket b;
  int rc = svc_bucket_load(s, p, name, AZ_GET_ACL, NULL, NULL, &b);
  if (rc) return rc;
  json_t *g = b.grants ? json_loads(b.grants, 0, NULL) : NULL;
  json_t *pol = b.policy ? json_loads(b.policy, 0, NULL) : NULL;
  json_t *j = json_pack("{s:s,s:s,s:s,s:o,s:o}", "bucket", b.name, "owner", b.owner, "acl", b.acl,
                        "grants", g ? g : json_object(), "policy", pol ? pol : json_null());
  char *enc = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
  *out = xstrdup(enc);
  free(enc);
  json_decref(j);
  meta_bucket_clear(&b);
  return 0;
}

int svc_lifecycle_get(svc_t *s, const struct principal *p, const char *bucket, char **rules) {
  int rc = svc_bucket_check(s, p, bucket, AZ_GET_LIFECYCLE, NULL, NULL);
  return rc ? rc : meta_lifecycle_get(s->meta, bucket, rules);
}

int svc_lifecycle_set(svc_t *s, const struct principal *p, const char *bucket, const char *rules) {
  int rc = svc_bucket_check(s, p, bucket, AZ_PUT_LIFECYCLE, NULL, NULL);
  return rc ? rc : meta_lifecycle_set(s->meta, bucket, rules);
}

/* ---- CORS ---- */

int svc_bucket_cors_get(svc_t *s, const struct principal *p, const char *name, char **xml) {
  int rc = svc_bucket_check(s, p, name, AZ_GET_CORS, NULL, NULL);
  char *rules = NULL;
  if (!rc) rc = meta_bucket_config_get(s->meta, name, "cors", &rules);
  if (rc == CAIRN_ENOENT) rc = CAIRN_ENOCORS;
  if (!rc) *xml = cors_to_xml(rules);
  xfree(rules);
  return rc;
}

int svc_bucket_cors_set(svc_t *s, const struct principal *p, const char *name, const char *xml, size_t len, const char **why) {
  *why = NULL;
  int rc = svc_bucket_check(s, p, name, AZ_PUT_CORS, NULL, NULL);
  char *rules = NULL;
  if (!rc) rc = cors_parse(xml, len, &rules, why);
  if (!rc) rc = meta_bucket_config_set(s->meta, name, "cors", rules);
  xfree(rules);
  return rc;
}

int svc_bucket_cors_delete(svc_t *s, const struct principal *p, const char *name) {
  int rc = svc_bucket_check(s, p, name, AZ_PUT_CORS, NULL, NULL);
  return rc ? rc : meta_bucket_config_set(s->meta, name, "cors", NULL);
}

int svc_cors_match(svc_t *s, const char *bucket, const char *origin, const char *method, const char *request_headers,
                   struct cors_answer *out) {
  char *rules = NULL;
  int rc = meta_bucket_config_get(s->meta, bucket, "cors", &rules);
  if (rc == CAIRN_ENOENT) rc = CAIRN_ECORSDENIED;
  if (!rc && !cors_match(rules, origin, method, request_headers, out)) rc = CAIRN_ECORSDENIED;
  xfree(rules);
  return rc;
}

/* ---- policy as S3 serves it, bucket tags ---- */

int svc_bucket_policy_get(svc_t *s, const struct principal *p, const char *name, char **json) {
  struct meta_bucket b;
  int rc = svc_bucket_load(s, p, name, AZ_GET_POLICY, NULL, NULL, &b);
  if (rc) return rc;
  rc = b.policy ? 0 : CAIRN_ENOPOLICY;
  if (!rc) *json = xstrdup(b.policy);
  meta_bucket_clear(&b);
  return rc;
}

int svc_bucket_policy_public(svc_t *s, const struct principal *p, const char *name, int *is_public) {
  struct meta_bucket b;
  int rc = svc_bucket_load(s, p, name, AZ_GET_POLICY_STATUS, NULL, NULL, &b);
  if (rc) return rc;
  rc = b.policy ? 0 : CAIRN_ENOPOLICY;
  if (!rc) *is_public = policy_is_public(b.policy);
  meta_bucket_clear(&b);
  return rc;
}

int svc_bucket_tags_get(svc_t *s, const struct principal *p, const char *name, char **json) {
  int rc = svc_bucket_check(s, p, name, AZ_GET_BUCKET_TAGGING, NULL, NULL);
  if (!rc) rc = meta_bucket_config_get(s->meta, name, "tagging", json);
  return rc == CAIRN_ENOENT ? CAIRN_ENOTAGSET : rc;
}

int svc_bucket_tags_set(svc_t *s, const struct principal *p, const char *name, const char *json) {
  int rc = svc_bucket_check(s, p, name, AZ_PUT_BUCKET_TAGGING, NULL, NULL);
  return rc ? rc : meta_bucket_config_set(s->meta, name, "tagging", json);
}

int svc_bucket_expected_owner(svc_t *s, const char *name, const char *expected) {
  struct meta_bucket b;
  if (meta_bucket_get(s->meta, name, &b)) return 0;   /* no bucket: the operation itself answers */
  int rc = strcmp(b.owner, expected) ? CAIRN_EAUTH : 0;
  meta_bucket_clear(&b);
  return rc;
}

int svc_bucket_versioning_get(svc_t *s, const struct principal *p, const char *name, char state[16]) {
  int rc = svc_bucket_check(s, p, name, AZ_GET_VERSIONING, NULL, NULL);
  char *v = NULL;
  state[0] = 0;
  if (!rc) rc = meta_bucket_config_get(s->meta, name, "versioning", &v);
  if (!rc) snprintf(state, 16, "%s", v);
  xfree(v);
  return rc == CAIRN_ENOENT ? 0 : rc;
}

int svc_bucket_versioning_set(svc_t *s, const struct principal *p, const char *name, const char *state) {
  int rc = svc_bucket_check(s, p, name, AZ_PUT_VERSIONING, NULL, NULL);
  if (rc) return rc;
  if (strcmp(state, "Enabled") && strcmp(state, "Suspended")) return CAIRN_EMALFORMEDXML;
  return meta_bucket_config_set(s->meta, name, "versioning", state);
}
