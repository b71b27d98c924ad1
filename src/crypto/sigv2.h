/* sigv2.h - AWS Signature Version 2 for S3 (the REST "HMAC-SHA1" scheme old SDKs and boto3's
 * default presigned URLs use): parsing of `Authorization: AWS AK:sig` and of the presigned query
 * (AWSAccessKeyId, Expires, Signature), the canonicalized resource and the signature. Pure
 * functions; see AWS "Signing and authenticating REST requests" (S3, Signature Version 2). */
#ifndef CAIRN_SIGV2_H
#define CAIRN_SIGV2_H
#include <stddef.h>
#include <stdint.h>

struct sigv2_auth {
  char access_key[129];
  char signature[64];   /* base64 of a 20-byte HMAC-SHA1: 28 characters */
  int64_t expires;      /* presigned: Expires (epoch seconds); -1 for header auth */
  char expires_text[24];   /* presigned: Expires as sent (what was signed) */
  int presigned;
};

/* "AWS AK:signature". 0, CAIRN_ENOENT (not V2), CAIRN_EINVAL (malformed). */
int sigv2_parse_authorization(const char *header, struct sigv2_auth *out);
/* Raw query. 0 when AWSAccessKeyId, Expires and Signature are all there; CAIRN_ENOENT when none
 * is; CAIRN_EINVAL when some are, or one is malformed or given twice. */
int sigv2_parse_presigned(const char *raw_query, struct sigv2_auth *out);

/* CanonicalizedResource: bucket_prefix ("/bucket" for a virtual-host request, else "") + the
 * raw path, then the sub-resources and response overrides of the raw query, sorted, values
 * decoded. Heap string, NULL on a malformed escape. */
char *sigv2_canonical_resource(const char *bucket_prefix, const char *raw_path, const char *raw_query);

/* CanonicalizedAmzHeaders from (name, value) pairs in any order: names lowercased and sorted,
 * repeated names' values joined with ',', values trimmed and unfolded; "name:value\n" each. */
struct sigv2_header { const char *name, *value; };
char *sigv2_canonical_amz_headers(const struct sigv2_header *h, size_t n);

/* StringToSign = VERB \n Content-MD5 \n Content-Type \n Date-or-Expires \n amz-headers resource */
char *sigv2_string_to_sign(const char *method, const char *content_md5, const char *content_type,
                           const char *date, const char *amz_headers, const char *resource);
/* base64(HMAC-SHA1(secret, string_to_sign)) */
void sigv2_sign(const char *secret, const char *string_to_sign, char out[64]);

#endif
