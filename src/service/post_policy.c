/* post_policy.c - S3 POST policy documents (post_policy.h). */
#include "post_policy.h"
#include "../util/err.h"
#include "../util/timeutil.h"
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MAX_FIELDS 64

/* The form's value of a field (names compare without case; "bucket" is the request's bucket). */
static const char *value_of(const char *name, const char *bucket, const struct post_field *f, size_t n) {
  if (!strcasecmp(name, "bucket")) return bucket;
  for (size_t i = 0; i < n; i++) if (!strcasecmp(f[i].name, name)) return f[i].value;
  return NULL;
}

static int exempt(const char *name) {
  static const char *const skip[] = {"policy", "x-amz-signature", "signature", "awsaccesskeyid", "file"};
  for (size_t i = 0; i < sizeof skip / sizeof *skip; i++) if (!strcasecmp(name, skip[i])) return 1;
  return !strncasecmp(name, "x-ignore-", 9);
}

static void cover(const char *name, const struct post_field *f, size_t n, unsigned char *covered) {
  for (size_t i = 0; i < n; i++) if (!strcasecmp(f[i].name, name)) covered[i] = 1;
}

int post_policy_check(const char *policy, size_t len, const char *bucket, const struct post_field *f, size_t n,
                      time_t now, int64_t *len_min, int64_t *len_max, const char **why) {
  static __thread char msg[200];
  *len_min = 0;
  *len_max = INT64_MAX;
  if (n > MAX_FIELDS) { *why = "too many form fields"; return CAIRN_EINVAL; }
  json_t *p = json_loadb(policy, len, JSON_REJECT_DUPLICATES, NULL);
  const char *exp = json_string_value(json_object_get(p, "expiration"));
  json_t *conds = json_object_get(p, "conditions");
  int rc = 0;
  time_t t;
  char ts[32];
  if (!json_is_object(p) || !exp || !json_is_array(conds)) { *why = "the policy needs an expiration and conditions"; rc = CAIRN_EINVAL; goto out; }
  /* 2026-11-29T12:00:00.000Z or without the milliseconds */
  if (strlen(exp) < 20 || strlen(exp) > 24 || exp[19] != (strlen(exp) == 20 ? 'Z' : '.')) { *why = "the policy's expiration is not ISO 8601"; rc = CAIRN_EINVAL; goto out; }
  snprintf(ts, sizeof ts, "%.4s%.2s%.2sT%.2s%.2s%.2sZ", exp, exp + 5, exp + 8, exp + 11, exp + 14, exp + 17);
  if (time_parse_amz(ts, &t)) { *why = "the policy's expiration is not ISO 8601"; rc = CAIRN_EINVAL; goto out; }
  if (now >= t) { *why = "the policy has expired"; rc = CAIRN_EAUTH; goto out; }
  unsigned char covered[MAX_FIELDS] = {0};
  size_t i;
  json_t *c;
  json_array_foreach(conds, i, c) {
    if (json_is_object(c)) {   /* {"field": "value"}: exact */
      const char *k;
      json_t *v;
      if (json_object_size(c) != 1) { *why = "a policy condition object names one field"; rc = CAIRN_EINVAL; goto out; }
      json_object_foreach(c, k, v) {
        const char *have = value_of(k, bucket, f, n);
        if (!json_is_string(v)) { *why = "a policy condition's value is a string"; rc = CAIRN_EINVAL; goto out; }
        if (!have || strcmp(have, json_string_value(v))) {
          snprintf(msg, sizeof msg, "policy condition failed: [\"eq\", \"$%.64s\", ...]", k);
          *why = msg;
          rc = CAIRN_EAUTH;
          goto out;
        }
        cover(k, f, n, covered);
      }
      continue;
    }
    const char *op = json_string_value(json_array_get(c, 0));
    if (!json_is_array(c) || json_array_size(c) != 3 || !op) { *why = "a policy condition is an object or a 3-element array"; rc = CAIRN_EINVAL; goto out; }
    if (!strcasecmp(op, "content-length-range")) {
      json_t *a = json_array_get(c, 1), *b = json_array_get(c, 2);
      if (!json_is_integer(a) || !json_is_integer(b) || json_integer_value(a) < 0 || json_integer_value(b) < json_integer_value(a)) {
        *why = "content-length-range takes two whole numbers, min <= max";
        rc = CAIRN_EINVAL;
        goto out;
      }
      *len_min = json_integer_value(a);
      *len_max = json_integer_value(b);
      continue;
    }
    const char *field = json_string_value(json_array_get(c, 1)), *want = json_string_value(json_array_get(c, 2));
    if (!field || !want || field[0] != '$') { *why = "a policy condition names a field as \"$name\""; rc = CAIRN_EINVAL; goto out; }
    const char *have = value_of(field + 1, bucket, f, n);
    int ok;
    if (!strcasecmp(op, "eq")) ok = have && !strcmp(have, want);
    else if (!strcasecmp(op, "starts-with")) ok = have && !strncmp(have, want, strlen(want));
    else { *why = "a policy condition is eq, starts-with or content-length-range"; rc = CAIRN_EINVAL; goto out; }
    if (!ok) {
      snprintf(msg, sizeof msg, "policy condition failed: [\"%.16s\", \"%.64s\", ...]", op, field);
      *why = msg;
      rc = CAIRN_EAUTH;
      goto out;
    }
    cover(field + 1, f, n, covered);
  }
  for (size_t k = 0; k < n; k++)
    if (!covered[k] && !exempt(f[k].name)) {
      snprintf(msg, sizeof msg, "the form field %.64s is not named by a policy condition", f[k].name);
      *why = msg;
      rc = CAIRN_EAUTH;
      goto out;
    }
out:
  json_decref(p);
  return rc;
}
