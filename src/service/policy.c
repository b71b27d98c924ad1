/* policy.c - bucket policy documents (policy.h): parsing into statements with every string
 * checked once, and evaluation against one request. */
#include "policy.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STATEMENTS 100
#define MAX_VALUES 100
#define ARN_S3 "arn:aws:s3:::"

struct strs { char **v; int n; };
enum cond_kind { C_IP, C_NOT_IP, C_PREFIX_EQ, C_PREFIX_LIKE, C_PREFIX_NEQ, C_PREFIX_NLIKE };
struct cidr { int family; unsigned char addr[16]; int bits; };
struct cond { enum cond_kind kind; struct strs vals; struct cidr *nets; int nnets; };
struct stmt {
  int deny, any_principal;
  struct strs principals, actions, resources;
  struct cond *conds;
  int nconds;
};
struct policy { struct stmt *s; int n; };

static void strs_free(struct strs *s) {
  for (int i = 0; i < s->n; i++) xfree(s->v[i]);
  xfree(s->v);
}

void policy_free(struct policy *p) {
  if (!p) return;
  for (int i = 0; i < p->n; i++) {
    struct stmt *s = &p->s[i];
    strs_free(&s->principals);
    strs_free(&s->actions);
    strs_free(&s->resources);
    for (int j = 0; j < s->nconds; j++) { strs_free(&s->conds[j].vals); xfree(s->conds[j].nets); }
    xfree(s->conds);
  }
  xfree(p->s);
  xfree(p);
}

int policy_glob(const char *pat, const char *s) {
  const char *star = NULL, *resume = NULL;
  while (*s) {
    if (*pat == '*') { star = pat++; resume = s; continue; }
    if (*pat && (*pat == '?' || *pat == *s)) { pat++; s++; continue; }
    if (!star) return 0;
    pat = star + 1;
    s = ++resume;
  }
  while (*pat == '*') pat++;
  return !*pat;
}

/* A string or an array of strings (at most MAX_VALUES) into out. */
static int take_strs(json_t *j, struct strs *out) {
  if (json_is_string(j)) {
    out->v = xcalloc(1, sizeof *out->v);
    out->v[0] = xstrdup(json_string_value(j));
    out->n = 1;
    return 0;
  }
  if (!json_is_array(j) || !json_array_size(j) || json_array_size(j) > MAX_VALUES) return CAIRN_EINVAL;
  out->v = xcalloc(json_array_size(j), sizeof *out->v);
  size_t i;
  json_t *e;
  json_array_foreach(j, i, e) {
    if (!json_is_string(e)) return CAIRN_EINVAL;
    out->v[out->n++] = xstrdup(json_string_value(e));
  }
  return 0;
}

static int parse_cidr(const char *s, struct cidr *c) {
  char buf[64];
  snprintf(buf, sizeof buf, "%s", s);
  char *slash = strchr(buf, '/');
  if (slash) *slash = 0;
  c->family = strchr(buf, ':') ? AF_INET6 : AF_INET;
  int max = c->family == AF_INET ? 32 : 128;
  if (inet_pton(c->family, buf, c->addr) != 1) return CAIRN_EINVAL;
  c->bits = max;
  if (slash) {
    char *end;
    long b = strtol(slash + 1, &end, 10);
    if (!slash[1] || *end || b < 0 || b > max) return CAIRN_EINVAL;
    c->bits = (int)b;
  }
  return 0;
}

static int parse_conditions(json_t *j, struct stmt *s, const char **why) {
  static const struct { const char *op; enum cond_kind kind; const char *key; } ops[] = {
    {"IpAddress", C_IP, "aws:SourceIp"}, {"NotIpAddress", C_NOT_IP, "aws:SourceIp"},
    {"StringEquals", C_PREFIX_EQ, "s3:prefix"}, {"StringLike", C_PREFIX_LIKE, "s3:prefix"},
    {"StringNotEquals", C_PREFIX_NEQ, "s3:prefix"}, {"StringNotLike", C_PREFIX_NLIKE, "s3:prefix"},
  };
  *why = "Condition must be an object of operators";
  if (!json_is_object(j) || json_object_size(j) > 8) return CAIRN_EINVAL;
  s->conds = xcalloc(json_object_size(j) + 1, sizeof *s->conds);   /* one key per operator */
  const char *op;
  json_t *body;
  json_object_foreach(j, op, body) {
    size_t k = 0;
    while (k < sizeof ops / sizeof ops[0] && strcmp(ops[k].op, op)) k++;
    if (k == sizeof ops / sizeof ops[0]) { *why = "unsupported Condition operator"; return CAIRN_EINVAL; }
    const char *key;
    json_t *vals;
    if (!json_is_object(body) || json_object_size(body) != 1) { *why = "a Condition operator takes one key"; return CAIRN_EINVAL; }
    json_object_foreach(body, key, vals) {
      if (strcmp(key, ops[k].key)) { *why = "unsupported Condition key (aws:SourceIp or s3:prefix only)"; return CAIRN_EINVAL; }
      struct cond *c = &s->conds[s->nconds++];
      c->kind = ops[k].kind;
      if (take_strs(vals, &c->vals)) { *why = "Condition values must be strings"; return CAIRN_EINVAL; }
      if (c->kind == C_IP || c->kind == C_NOT_IP) {
        c->nets = xcalloc((size_t)c->vals.n, sizeof *c->nets);
        for (int i = 0; i < c->vals.n; i++, c->nnets++)
          if (parse_cidr(c->vals.v[i], &c->nets[i])) { *why = "aws:SourceIp must be an IP address or CIDR block"; return CAIRN_EINVAL; }
      }
    }
  }
  return 0;
}

/* "*", {"AWS": "*" | name | "arn:aws:iam::ACCOUNT:user/NAME" | [...]} into s. */
static int parse_principal(json_t *j, struct stmt *s, const char **why) {
  *why = "Principal must be \"*\" or {\"AWS\": names}";
  if (json_is_string(j)) {
    if (strcmp(json_string_value(j), "*")) return CAIRN_EINVAL;
    s->any_principal = 1;
    return 0;
  }
  json_t *aws = json_object_get(j, "AWS");
  if (!json_is_object(j) || json_object_size(j) != 1 || !aws || take_strs(aws, &s->principals)) return CAIRN_EINVAL;
  for (int i = 0; i < s->principals.n; i++) {
    char *v = s->principals.v[i];
    if (!strcmp(v, "*")) { s->any_principal = 1; continue; }
    if (!strncmp(v, "arn:aws:iam::", 13)) {
      const char *u = strstr(v + 13, ":user/");
      if (!u || !u[6]) { *why = "principal ARNs must name a user (arn:aws:iam::ACCOUNT:user/NAME)"; return CAIRN_EINVAL; }
      memmove(v, u + 6, strlen(u + 6) + 1);
    }
    if (!*v || strlen(v) > 64) return CAIRN_EINVAL;
  }
  return 0;
}

static int known_action(const char *pattern) {
  if (strncmp(pattern, "s3:", 3)) return 0;
  for (int a = 0; a < AZ_COUNT_; a++)
    if (policy_glob(pattern, authz_action_name((enum authz_action)a))) return 1;
  return 0;
}

static int parse_statement(json_t *j, const char *bucket, struct stmt *s, const char **why) {
  static const char *const keys[] = {"Sid", "Effect", "Principal", "Action", "Resource", "Condition"};
  const char *k;
  json_t *v;
  *why = "each Statement must be an object";
  if (!json_is_object(j)) return CAIRN_EINVAL;
  json_object_foreach(j, k, v) {
    size_t i = 0;
    while (i < sizeof keys / sizeof keys[0] && strcmp(keys[i], k)) i++;
    if (i == sizeof keys / sizeof keys[0]) { *why = "unsupported Statement element (NotPrincipal, NotAction and NotResource are not supported)"; return CAIRN_EINVAL; }
  }
  const char *effect = json_string_value(json_object_get(j, "Effect"));
  if (!effect || (strcmp(effect, "Allow") && strcmp(effect, "Deny"))) { *why = "Effect must be Allow or Deny"; return CAIRN_EINVAL; }
  s->deny = !strcmp(effect, "Deny");
  json_t *pr = json_object_get(j, "Principal");
  if (!pr) { *why = "a Statement needs a Principal"; return CAIRN_EINVAL; }
  if (parse_principal(pr, s, why)) return CAIRN_EINVAL;
  if (take_strs(json_object_get(j, "Action"), &s->actions)) { *why = "Action must be a name or a list of names"; return CAIRN_EINVAL; }
  for (int i = 0; i < s->actions.n; i++)
    if (!known_action(s->actions.v[i])) { *why = "an Action names no S3 action cairn knows"; return CAIRN_EINVAL; }
  if (take_strs(json_object_get(j, "Resource"), &s->resources)) { *why = "Resource must be an ARN or a list of ARNs"; return CAIRN_EINVAL; }
  size_t al = strlen(ARN_S3), bl = strlen(bucket);
  for (int i = 0; i < s->resources.n; i++) {
    const char *res = s->resources.v[i];
    if (strncmp(res, ARN_S3, al) || strncmp(res + al, bucket, bl) || (res[al + bl] && res[al + bl] != '/')) {
      *why = "every Resource must be this bucket (arn:aws:s3:::bucket or arn:aws:s3:::bucket/...)";
      return CAIRN_EINVAL;
    }
  }
  json_t *c = json_object_get(j, "Condition");
  return c ? parse_conditions(c, s, why) : 0;
}

int policy_parse(const char *json, size_t len, const char *bucket, struct policy **out, const char **why) {
  *out = NULL;
  json_error_t e;
  json_t *j = json_loadb(json, len, JSON_REJECT_DUPLICATES, &e);
  *why = "the policy is not a JSON object";
  if (!j || !json_is_object(j)) { json_decref(j); return CAIRN_EINVAL; }
  struct policy *p = xcalloc(1, sizeof *p);
  int rc = 0;
  const char *k;
  json_t *v;
  json_object_foreach(j, k, v) {
    if (strcmp(k, "Version") && strcmp(k, "Id") && strcmp(k, "Statement")) { *why = "unsupported top-level element"; rc = CAIRN_EINVAL; }
  }
  json_t *st = json_object_get(j, "Statement");
  if (!rc && json_is_object(st)) {   /* one statement without a list */
    p->s = xcalloc(1, sizeof *p->s);
    p->n = 1;
    rc = parse_statement(st, bucket, &p->s[0], why);
  } else if (!rc) {
    if (!json_is_array(st) || !json_array_size(st) || json_array_size(st) > MAX_STATEMENTS) {
      *why = "Statement must be a list of 1 to 100 statements";
      rc = CAIRN_EINVAL;
    } else {
      p->s = xcalloc(json_array_size(st), sizeof *p->s);
      size_t i;
      json_t *s;
      json_array_foreach(st, i, s) {
        if (rc) break;
        rc = parse_statement(s, bucket, &p->s[p->n++], why);
      }
    }
  }
  json_decref(j);
  if (rc) { policy_free(p); return rc; }
  *out = p;
  return 0;
}

static int in_cidr(const struct cidr *c, const char *ip) {
  unsigned char a[16];
  if (!ip || inet_pton(c->family, ip, a) != 1) return 0;
  int full = c->bits / 8, rest = c->bits % 8;
  if (memcmp(a, c->addr, (size_t)full)) return 0;
  return !rest || ((a[full] ^ c->addr[full]) & (0xff << (8 - rest)) & 0xff) == 0;
}

static int cond_holds(const struct cond *c, const struct principal *p, const char *prefix) {
  int any = 0;
  if (c->kind == C_IP || c->kind == C_NOT_IP) {
    for (int i = 0; i < c->nnets && !any; i++) any = in_cidr(&c->nets[i], p->source_ip);
    return c->kind == C_IP ? any : !any;
  }
  const char *pre = prefix ? prefix : "";
  for (int i = 0; i < c->vals.n && !any; i++)
    any = (c->kind == C_PREFIX_EQ || c->kind == C_PREFIX_NEQ) ? !strcmp(c->vals.v[i], pre) : policy_glob(c->vals.v[i], pre);
  return (c->kind == C_PREFIX_EQ || c->kind == C_PREFIX_LIKE) ? any : !any;
}

static int stmt_matches(const struct stmt *s, const struct principal *p, const char *action,
                        const char *resource, const char *prefix) {
  int ok = 0;
  for (int i = 0; i < s->actions.n && !ok; i++) ok = policy_glob(s->actions.v[i], action);
  if (!ok) return 0;
  ok = 0;
  for (int i = 0; i < s->resources.n && !ok; i++) ok = policy_glob(s->resources.v[i], resource);
  if (!ok) return 0;
  ok = s->any_principal;
  for (int i = 0; i < s->principals.n && !ok && p->kind != PRINCIPAL_ANONYMOUS; i++)
    ok = !strcmp(s->principals.v[i], p->name ? p->name : "");
  if (!ok) return 0;
  for (int i = 0; i < s->nconds; i++)
    if (!cond_holds(&s->conds[i], p, prefix)) return 0;
  return 1;
}

int policy_eval(const struct policy *pol, const struct principal *p, enum authz_action a,
                const char *bucket, const char *key, const char *prefix) {
  if (!pol) return 0;
  size_t n = strlen(ARN_S3) + strlen(bucket) + (key ? strlen(key) + 1 : 0) + 1;
  char *res = xmalloc(n);
  if (authz_action_on_object(a)) snprintf(res, n, ARN_S3 "%s/%s", bucket, key ? key : "");
  else snprintf(res, n, ARN_S3 "%s", bucket);
  int allow = 0;
  for (int i = 0; i < pol->n; i++) {
    if (!stmt_matches(&pol->s[i], p, authz_action_name(a), res, prefix)) continue;
    if (pol->s[i].deny) { xfree(res); return -1; }
    allow = 1;
  }
  xfree(res);
  return allow;
}
