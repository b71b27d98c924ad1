/* policy.h - bucket policies: the subset of the IAM policy language S3 users write. Statements
 * with Effect (Allow | Deny), Principal ("*", {"AWS": "*" | name | ARN | [..]}), Action (a name or
 * list; '*' and '?' wildcards, e.g. "s3:*", "s3:Get*"), Resource ("arn:aws:s3:::bucket" or
 * "arn:aws:s3:::bucket/prefix*"), and Condition on aws:SourceIp (IpAddress, NotIpAddress) and
 * s3:prefix (StringEquals, StringLike, StringNotEquals, StringNotLike). Anything else (NotAction,
 * other condition keys, ...) is refused when the policy is set, never ignored. Pure. */
#ifndef CAIRN_POLICY_H
#define CAIRN_POLICY_H
#include "authz.h"
#include <stddef.h>

struct policy;

/* Parses and checks a policy document for bucket; 0 and *out (policy_free), or CAIRN_EINVAL and
 * *why (a static message). */
int policy_parse(const char *json, size_t len, const char *bucket, struct policy **out, const char **why);
void policy_free(struct policy *p);

/* -1 when a Deny statement matches, 1 when an Allow matches (and no Deny), 0 when none applies. */
int policy_eval(const struct policy *pol, const struct principal *p, enum authz_action a,
                const char *bucket, const char *key, const char *prefix);

/* 1 when the glob pattern ('*' any run, '?' one byte) matches s. */
int policy_glob(const char *pattern, const char *s);

#endif
