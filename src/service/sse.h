/* sse.h - server-side encryption of objects at rest: which key an object is written and read
 * under. SSE-S3 seals chunks under a root key derived from the server's key (keyring.h); SSE-C
 * under a root derived from the customer's key, which cairn never stores: it keeps an HMAC of it
 * (under the server's key) to tell a wrong key from a right one, and its MD5 to echo as S3 does.
 * A bucket's default encryption (PutBucketEncryption) applies to writes that ask for none. */
#ifndef CAIRN_SERVICE_SSE_H
#define CAIRN_SERVICE_SSE_H
#include "svc.h"
#include <stdint.h>

enum sse_mode { SSE_NONE, SSE_S3, SSE_C };
struct svc_sse { enum sse_mode mode; uint8_t key[32]; };   /* key: the customer's (SSE_C) */

/* How a new object (or upload) is encrypted: as asked (may be NULL: nothing asked), else by the
 * bucket's default. out may be asked (also in svc_sse_for_read). */
int svc_sse_for_write(svc_t *s, const char *bucket, const struct svc_sse *asked, struct svc_sse *out);
/* headers_json with the entries that record sse (JSON object text, heap; caller xfrees). */
char *svc_sse_headers(svc_t *s, const struct svc_sse *sse, const char *headers_json);
/* headers_json without them (an object copied under another encryption). Heap. */
char *svc_sse_headers_strip(const char *headers_json);
/* The key an object (or upload) with these stored headers is read with, given what the request
 * brought (asked, may be NULL): SSE-C needs the same key (CAIRN_ESSECNEEDED without one,
 * CAIRN_ESSECWRONG for another); a key for an object not stored under SSE-C is CAIRN_EINVALIDREQUEST. */
int svc_sse_for_read(svc_t *s, const char *headers_json, const struct svc_sse *asked, struct svc_sse *out);
/* 1 when chunks sealed under a are sealed alike under b (a manifest can be reused as it is). */
int svc_sse_same(const struct svc_sse *a, const struct svc_sse *b);
/* The root key of crypto/chunk_cipher.h for sse, or NULL for SSE_NONE (root: 32 bytes of storage). */
const uint8_t *svc_sse_root(svc_t *s, const struct svc_sse *sse, uint8_t root[32]);

/* Bucket default encryption (s3:GetEncryptionConfiguration / s3:PutEncryptionConfiguration):
 * "AES256" or CAIRN_ENOENCRYPTION; set NULL removes it. */
int svc_bucket_encryption_get(svc_t *s, const struct principal *p, const char *bucket, char alg[16]);
int svc_bucket_encryption_set(svc_t *s, const struct principal *p, const char *bucket, const char *alg);

/* A ServerSideEncryptionConfiguration document: one Rule whose default is AES256 (alg gets it);
 * CAIRN_ENOTIMPL for SSE-KMS, CAIRN_EMALFORMEDXML otherwise, with *why. Pure (fuzzed). */
int sse_config_parse(const char *xml, size_t len, char alg[16], const char **why);

#endif
