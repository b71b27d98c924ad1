/* lifecycle.h - S3 bucket lifecycle rules: Expiration (Days or Date, ExpiredObjectDeleteMarker),
 * NoncurrentVersionExpiration (NoncurrentDays) and AbortIncompleteMultipartUpload, filtered by
 * prefix and/or tags. Rules are parsed from the S3 XML
 * into a JSON array kept with the bucket; an expired object answers 404 at once and the janitor
 * deletes it later. `day_ms` is the length of a day (lifecycle_day_seconds: tests shrink it). */
#ifndef CAIRN_LIFECYCLE_H
#define CAIRN_LIFECYCLE_H
#include "../meta/meta.h"
#include <stddef.h>
#include <stdint.h>

/* S3 LifecycleConfiguration XML -> rules JSON (heap, caller xfrees). CAIRN_EMALFORMEDXML or
 * CAIRN_EINVAL with *why set. */
int lifecycle_parse(const char *xml, size_t len, char **rules, const char **why);
char *lifecycle_to_xml(const char *rules);   /* heap; the configuration as S3 returns it */
int lifecycle_expired(const char *rules, const char *key, const char *tags, int64_t created_ms,
                      int64_t now_ms, int64_t day_ms);
/* When the earliest enabled Expiration rule covering the object expires it (x-amz-expiration):
 * 1 with *at_ms (Days: the next midnight UTC after created + days, as S3) and the rule's ID. */
int lifecycle_expiration(const char *rules, const char *key, const char *tags, int64_t created_ms, int64_t day_ms,
                         int64_t *at_ms, char rule_id[256]);
/* A noncurrent version (or delete marker) past a matching rule's NoncurrentDays since noncurrent_ms. */
int lifecycle_noncurrent_due(const char *rules, const char *key, const char *tags, int64_t noncurrent_ms,
                             int64_t now_ms, int64_t day_ms);
/* A matching rule removes delete markers that have no older versions (ExpiredObjectDeleteMarker). */
int lifecycle_marker_rule(const char *rules, const char *key);
int lifecycle_abort_due(const char *rules, const char *key, int64_t created_ms, int64_t now_ms,
                        int64_t day_ms);
/* Tags from "k1=v1&k2=v2" (x-amz-tagging) or Tagging XML -> JSON object (heap). */
/* CAIRN_EINVALIDTAG beyond S3's limits (10 distinct keys of 1-128, values of at most 256 characters). */
int tags_from_query(const char *q, char **json);
int tags_from_xml(const char *xml, size_t len, char **json);   /* an object's: at most 10 */
int tags_from_xml_max(const char *xml, size_t len, size_t max, char **json);   /* a bucket's: 50 */
char *tags_to_xml(const char *json);

/* One janitor pass over every bucket with rules: deletes expired objects (in a versioned bucket:
 * puts a delete marker on them), noncurrent versions past NoncurrentDays and lone delete markers,
 * and aborts stale uploads. */
int lifecycle_sweep(meta_t *m, int64_t day_ms, int *deleted, int *aborted);

#endif
