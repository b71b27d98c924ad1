/* buckets.h - S3 buckets as typed operations that authorize their caller: create (the caller
 * owns it), delete, list the caller's buckets, check an action on a bucket, and the sharing model
 * (canned ACL, grants to users, bucket policy) and lifecycle rules kept with a bucket. */
#ifndef CAIRN_SERVICE_BUCKETS_H
#define CAIRN_SERVICE_BUCKETS_H
#include "svc.h"
#include <stdint.h>

/* S3 bucket naming rules (DNS-compatible). */
int svc_bucket_name_ok(const char *name);
/* acl: canned ACL or NULL (private). CAIRN_EBUCKETEXISTS (yours), CAIRN_EBUCKETTAKEN, EAUTH. */
int svc_bucket_create(svc_t *s, const struct principal *p, const char *name, const char *acl);
int svc_bucket_delete(svc_t *s, const struct principal *p, const char *name);
/* 0 when p may do a on the bucket (key: object actions; prefix: listings); ENOSUCHBUCKET, EAUTH. */
int svc_bucket_check(svc_t *s, const struct principal *p, const char *name, enum authz_action a,
                     const char *key, const char *prefix);
/* A write its caller was found allowed to make: the capability that lets the commit at the end of
 * a streamed body skip a second look-up (which would queue behind the group commit). */
/* lifecycle: the bucket had rules at the check (the commit then looks up x-amz-expiration);
 * versioning: its state then (the commit keeps the version it replaces) */
enum svc_versioning { VERSIONING_OFF, VERSIONING_ENABLED, VERSIONING_SUSPENDED };
enum svc_versioning svc_versioning_of(const char *state);   /* "", "Enabled", "Suspended" */
struct svc_write { char bucket[64]; char key[1025]; int allowed, lifecycle; enum svc_versioning versioning; };
/* Before a write streams in: PUT_OBJECT on the bucket, and free space above reserve_space
 * (CAIRN_ENOSPC, 507). On success *w (may be NULL) records the grant. */
int svc_object_write_check(svc_t *s, const struct principal *p, const char *bucket, const char *key,
                           struct svc_write *w);
/* The caller's buckets (an admin's: all), in name order. */
typedef int (*svc_bucket_cb)(void *ctx, const char *name, int64_t created_ms);
int svc_bucket_list(svc_t *s, const struct principal *p, svc_bucket_cb cb, void *ctx);

/* Sharing (owner, admin, or WRITE_ACP / s3:PutBucketAcl). perms: "READ,WRITE,..." or "" to
 * revoke the user's grants. */
int svc_bucket_set_acl(svc_t *s, const struct principal *p, const char *name, const char *acl);
int svc_bucket_grant(svc_t *s, const struct principal *p, const char *name, const char *user, const char *perms);
/* PutBucketAcl: the canned ACL and every grant at once ({"user": ["READ", ...]} or NULL). */
int svc_bucket_replace_acl(svc_t *s, const struct principal *p, const char *name, const char *acl, const char *grants);
/* json NULL deletes the policy; a bad one is CAIRN_EMALFORMEDPOLICY with *why. */
int svc_bucket_set_policy(svc_t *s, const struct principal *p, const char *name, const char *json,
                          const char **why);
/* {"bucket","owner","acl","grants","policy"} as JSON (heap, caller xfrees); s3:GetBucketAcl. */
int svc_bucket_access(svc_t *s, const struct principal *p, const char *name, char **json);

/* The policy JSON (heap; s3:GetBucketPolicy) or CAIRN_ENOPOLICY; is_public: whether it lets
 * anyone ("*") do something (s3:GetBucketPolicyStatus). */
int svc_bucket_policy_get(svc_t *s, const struct principal *p, const char *name, char **json);
int svc_bucket_policy_public(svc_t *s, const struct principal *p, const char *name, int *is_public);
/* Bucket tags (JSON object, heap): s3:GetBucketTagging / s3:PutBucketTagging; get: CAIRN_ENOTAGSET
 * when none; set NULL removes them. */
int svc_bucket_tags_get(svc_t *s, const struct principal *p, const char *name, char **json);
int svc_bucket_tags_set(svc_t *s, const struct principal *p, const char *name, const char *json);

/* Versioning (objects.h, versions.c): the state is "" (never set), "Enabled" (every write is a new
 * version, older ones are kept) or "Suspended" (writes replace the "null" version, older ones are
 * kept); anything else is CAIRN_EMALFORMEDXML. s3:GetBucketVersioning / s3:PutBucketVersioning. */
int svc_bucket_versioning_get(svc_t *s, const struct principal *p, const char *name, char state[16]);
int svc_bucket_versioning_set(svc_t *s, const struct principal *p, const char *name, const char *state);

/* x-amz-expected-bucket-owner: CAIRN_EAUTH when the bucket exists and someone else owns it. */
int svc_bucket_expected_owner(svc_t *s, const char *name, const char *expected);

/* CORS (service/cors.h): s3:GetBucketCORS / s3:PutBucketCORS (owner, admin, or a policy). get:
 * the XML (heap) or CAIRN_ENOCORS; set: parses the XML (*why on a refusal); delete: 0 either way. */
struct cors_answer;
int svc_bucket_cors_get(svc_t *s, const struct principal *p, const char *name, char **xml);
int svc_bucket_cors_set(svc_t *s, const struct principal *p, const char *name, const char *xml, size_t len, const char **why);
int svc_bucket_cors_delete(svc_t *s, const struct principal *p, const char *name);
/* A browser's request (anyone: CORS is what the bucket tells every origin). 0 with *out when a rule
 * allows it; CAIRN_ECORSDENIED when none does; CAIRN_ENOSUCHBUCKET. */
int svc_cors_match(svc_t *s, const char *bucket, const char *origin, const char *method, const char *request_headers,
                   struct cors_answer *out);

/* Lifecycle rules JSON (service/lifecycle.h); get: *rules NULL when none (heap). */
int svc_lifecycle_get(svc_t *s, const struct principal *p, const char *bucket, char **rules);
int svc_lifecycle_set(svc_t *s, const struct principal *p, const char *bucket, const char *rules);

#endif
