/* authz.c - the authorization decision (authz.h): admin, explicit Deny, owner, policy Allow,
 * then the canned ACL and explicit grants, in that order. */
#include "authz.h"
#include "policy.h"
#include "../util/err.h"
#include <jansson.h>
#include <string.h>

static const struct { const char *name; unsigned perm; int object; } actions[] = {
#define AUTHZ_ROW_(n, s, p) {s, p, 0},
  AUTHZ_ACTIONS(AUTHZ_ROW_)
#undef AUTHZ_ROW_
};

const char *authz_action_name(enum authz_action a) {
  return a >= 0 && a < AZ_COUNT_ ? actions[a].name : "s3:Unknown";
}

int authz_action_on_object(enum authz_action a) {
  switch (a) {
  case AZ_GET_OBJECT: case AZ_PUT_OBJECT: case AZ_DELETE_OBJECT: case AZ_ABORT_UPLOAD:
  case AZ_LIST_PARTS: case AZ_GET_OBJECT_TAGGING: case AZ_PUT_OBJECT_TAGGING: case AZ_DELETE_OBJECT_TAGGING:
  case AZ_GET_OBJECT_VERSION: case AZ_DELETE_OBJECT_VERSION:
    return 1;
  default:
    return 0;
  }
}

int authz_acl_known(const char *acl) {
  static const char *const known[] = {"private", "public-read", "public-read-write", "authenticated-read"};
  for (size_t i = 0; acl && i < sizeof known / sizeof known[0]; i++)
    if (!strcmp(acl, known[i])) return 1;
  return 0;
}

int authz_perm_bits(const char *perm) {
  static const struct { const char *name; int bits; } perms[] = {
    {"READ", ACL_READ}, {"WRITE", ACL_WRITE}, {"READ_ACP", ACL_READ_ACP}, {"WRITE_ACP", ACL_WRITE_ACP},
    {"FULL_CONTROL", ACL_FULL_CONTROL},
  };
  for (size_t i = 0; perm && i < sizeof perms / sizeof perms[0]; i++)
    if (!strcmp(perm, perms[i].name)) return perms[i].bits;
  return 0;
}

/* What the canned ACL gives this principal. */
static unsigned canned(const char *acl, const struct principal *p) {
  if (!acl) return 0;
  if (!strcmp(acl, "public-read")) return ACL_READ;
  if (!strcmp(acl, "public-read-write")) return ACL_READ | ACL_WRITE;
  if (!strcmp(acl, "authenticated-read")) return p->kind != PRINCIPAL_ANONYMOUS ? ACL_READ : 0;
  return 0;
}

/* What explicit grants ({"user": ["READ", ...]}) give this principal. */
static unsigned granted(const char *grants, const struct principal *p) {
  if (!grants || p->kind == PRINCIPAL_ANONYMOUS || !p->name) return 0;
  json_t *j = json_loads(grants, 0, NULL);
  json_t *list = json_object_get(j, p->name);
  unsigned bits = 0;
  size_t i;
  json_t *e;
  if (json_is_array(list))
    json_array_foreach(list, i, e) bits |= (unsigned)authz_perm_bits(json_string_value(e));
  json_decref(j);
  return bits;
}

int authz_bucket(const struct principal *p, enum authz_action a, const struct authz_bucket *b,
                 const char *key, const char *prefix) {
  if (p->kind == PRINCIPAL_ADMIN) return 0;
  if (a < 0 || a >= AZ_COUNT_) return CAIRN_EAUTH;
  int pol = policy_eval(b->policy, p, a, b->name, key, prefix);
  if (pol < 0) return CAIRN_EAUTH;   /* an explicit Deny wins, even over the owner */
  if (p->kind == PRINCIPAL_USER && p->name && b->owner && !strcmp(p->name, b->owner)) return 0;
  if (pol > 0 && !(b->restrict_public && p->kind == PRINCIPAL_ANONYMOUS)) return 0;
  unsigned need = actions[a].perm;
  if (!need) return CAIRN_EAUTH;   /* owner-only actions (lifecycle, policy, DeleteBucket) */
  unsigned have = canned(b->acl, p) | granted(b->grants, p);
  return (have & need) == need ? 0 : CAIRN_EAUTH;
}

int authz_dataset(const struct principal *p, int write, const char *owner, int public_read) {
  if (p->kind == PRINCIPAL_ADMIN) return 0;
  if (p->kind == PRINCIPAL_USER && p->name && owner && *owner && !strcmp(p->name, owner)) return 0;
  return !write && public_read ? 0 : CAIRN_EAUTH;
}
