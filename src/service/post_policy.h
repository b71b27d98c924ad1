/* post_policy.h - the policy document of an S3 browser form upload (POST Object): its expiration
 * and conditions checked against the form's fields. Pure: no I/O. See AWS "Creating a POST policy". */
#ifndef CAIRN_POST_POLICY_H
#define CAIRN_POST_POLICY_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct post_field { const char *name, *value; };

/* policy: the decoded JSON. Every condition must hold ({"field": "value"}, ["eq", "$field", v],
 * ["starts-with", "$field", prefix], ["content-length-range", min, max]); every form field but the
 * policy, the signature fields, "file" and "x-ignore-*" must be named by a condition; expiration
 * must be in the future. 0 with *len_min / *len_max (0 / INT64_MAX without a range), or
 * CAIRN_EAUTH with *why (CAIRN_EINVAL for a policy that is not well formed). */
int post_policy_check(const char *policy, size_t len, const char *bucket, const struct post_field *f, size_t n,
                      time_t now, int64_t *len_min, int64_t *len_max, const char **why);

#endif
