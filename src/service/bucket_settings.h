/* bucket_settings.h - a bucket's public access block and ownership controls: the XML S3 clients
 * send and receive, kept as JSON in the bucket's configurations, and what they mean for the
 * authorization view (buckets.c enforces them). */
#ifndef CAIRN_BUCKET_SETTINGS_H
#define CAIRN_BUCKET_SETTINGS_H
#include "svc.h"
#include <stddef.h>

struct access_block { int block_acls, ignore_acls, block_policy, restrict_buckets; };
/* from the stored JSON (NULL: all off) */
void access_block_of(const char *json, struct access_block *out);
/* 1 when the stored ownership controls say BucketOwnerEnforced (ACLs disabled) */
int ownership_enforced(const char *json);
/* A policy that lets anyone ("*") do something without a Condition. */
int policy_is_public(const char *policy_json);

/* Get/Put/DeletePublicAccessBlock and Get/Put/DeleteBucketOwnershipControls (the owner, an
 * admin, or a policy). get: the XML (heap) or CAIRN_ENOACCESSBLOCK / CAIRN_ENOOWNERSHIP; put:
 * parses the XML (CAIRN_EMALFORMEDXML, *why); xml NULL deletes. */
int svc_access_block_get(svc_t *s, const struct principal *p, const char *bucket, char **xml);
int svc_access_block_put(svc_t *s, const struct principal *p, const char *bucket, const char *xml, size_t len, const char **why);
int svc_ownership_get(svc_t *s, const struct principal *p, const char *bucket, char **xml);
int svc_ownership_put(svc_t *s, const struct principal *p, const char *bucket, const char *xml, size_t len, const char **why);

#endif
