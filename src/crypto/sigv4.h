/* sigv4.h - AWS Signature Version 4: parsing of the Authorization header and presigned query,
 * canonical request construction and signing. Pure functions, shared by the server (verify) and
 * the clients and tests (sign). See AWS "Create a canonical request for Signature Version 4". */
#ifndef CAIRN_SIGV4_H
#define CAIRN_SIGV4_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define SIGV4_UNSIGNED "UNSIGNED-PAYLOAD"
#define SIGV4_CHUNK_ALGORITHM "AWS4-HMAC-SHA256-PAYLOAD"
#define SIGV4_TRAILER_ALGORITHM "AWS4-HMAC-SHA256-TRAILER"

struct sigv4_auth {
  char access_key[129];
  char date[9];              /* YYYYMMDD of the credential scope */
  char region[64];
  char service[32];
  char signed_headers[1024]; /* "host;x-amz-content-sha256;x-amz-date" */
  char signature[65];
  char amz_date[17];         /* presigned: X-Amz-Date (header auth: filled by the caller) */
  int64_t expires;           /* presigned: X-Amz-Expires seconds; -1 for header auth */
  int presigned;
};

/* "AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request, SignedHeaders=..., Signature=..."
 * 0 or CAIRN_EINVAL (malformed). */
int sigv4_parse_authorization(const char *header, struct sigv4_auth *out);
/* "AK/20130524/us-east-1/s3/aws4_request" into out's credential fields. */
int sigv4_parse_credential(const char *cred, struct sigv4_auth *out);
/* Presigned query string (raw, still percent-encoded). 0 if it is a complete presigned query,
 * CAIRN_ENOENT if it has no X-Amz-Algorithm, CAIRN_EINVAL if malformed. */
int sigv4_parse_presigned(const char *raw_query, struct sigv4_auth *out);

/* Percent-decodes n bytes into a heap string ('+' stays '+'); NULL on a bad escape. */
char *sigv4_uri_decode(const char *s, size_t n);
/* Heap strings; caller xfrees. */
char *sigv4_canonical_uri(const char *raw_path);
/* The canonical query; a '+' counts as a space (%20), as the server decodes query values. */
char *sigv4_canonical_query(const char *raw_query, int drop_signature);

/* Returns the joined values of a lowercase header name, or NULL when absent. */
typedef const char *(*sigv4_header_fn)(void *ctx, const char *lname);
/* Heap canonical request, or NULL when a signed header is absent. */
char *sigv4_canonical_request(const char *method, const char *canon_uri, const char *canon_query,
                              const char *signed_headers, sigv4_header_fn get, void *ctx,
                              const char *payload_hash);
/* Signature (lowercase hex) over a canonical request. */
void sigv4_sign(const char *secret, const struct sigv4_auth *a, const char *canonical_request,
                char out[65]);
/* The derived signing key HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request"). */
void sigv4_signing_key(const char *secret, const struct sigv4_auth *a, uint8_t out[32]);
/* "YYYYMMDD/region/service/aws4_request" */
void sigv4_scope(const struct sigv4_auth *a, char *out, size_t cap);
/* A presigned URL (X-Amz-* query, SignedHeaders=host, UNSIGNED-PAYLOAD) for method on
 * base_url + path: base_url "http(s)://host[:port]" (its host is what is signed), path already
 * SigV4-encoded and starting with '/'. expires_s: 1 to 604800. Heap. */
char *sigv4_presign(const char *method, const char *base_url, const char *path, const char *access_key,
                    const char *secret, const char *region, int64_t expires_s, time_t now);
/* Chained signatures of aws-chunked bodies (AWS "Transferring Payload in Multiple Chunks"):
 * algorithm SIGV4_CHUNK_ALGORITHM signs a chunk's data hash, SIGV4_TRAILER_ALGORITHM the hash
 * of the trailing headers; prev is the previous signature (the seed: the request's). */
void sigv4_chain_sign(const uint8_t key[32], const char *algorithm, const char *amz_date,
                      const char *scope, const char *prev, const uint8_t hash[32], char out[65]);

#endif
