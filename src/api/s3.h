/* s3.h - what the S3 handler files share: the parsed request and the listing entry point. */
#ifndef CAIRN_S3_H
#define CAIRN_S3_H
#include "app.h"
#include "s3_classify.h"
#include "../crypto/hash.h"
#include "../http/aws_chunked.h"
#include "../service/buckets.h"
#include "../service/objects.h"
#include "../util/sbuf.h"

struct s3_req {
  enum s3_op op;
  struct principal who;     /* the caller (api_principal) */
  struct svc_write grant;   /* PutObject / UploadPart: what the commit may write */
  char bucket[64];
  const char *key;          /* decoded; "" for bucket operations */
  const char *vid;          /* ?versionId, or NULL */
  struct svc_sse sse;       /* the encryption the body is written with (s3_sse.c) */
  const char *sse_headers;  /* the written object's (or upload's) headers with their SSE records (pool) */
  const char *copy_src_vid; /* CopyObject: x-amz-copy-source-version-id to answer, or NULL */
  char version_id[40];      /* the version a write made ("null" in unversioned buckets) */
  obj_writer_t *w;          /* PutObject in progress */
  uint64_t got, max;        /* body bytes so far; max_object_size */
  unsigned char *inl;       /* a small PutObject body kept for an inline row (inline_max), or NULL */
  uint64_t inl_cap;
  int committing, rc;       /* PutObject commit on a worker */
  struct manifest m;
  char md5[33], sha[65];
  char expiration[320];     /* x-amz-expiration of the object just written ("" when none) */
  const char *upload_id;    /* multipart */
  int part;                 /* UploadPart number (1..10000), 0 for PutObject */
  sbuf_t xml;               /* CompleteMultipartUpload body (bounded) */
  int chunked;              /* aws-chunked body (STREAMING-UNSIGNED-PAYLOAD-TRAILER) */
  struct awschunk dec;
  int ck_alg, ck_trailer;   /* s3_checksum.c */
  uint32_t ck_crc;
  uint64_t ck_crc64;         /* crc64nvme */
  char ck_b64[64];          /* the checked checksum, echoed in the answer */
  hash_ctx_t *ck_hash;
  struct post *post;        /* POST Object (s3_post.c) */
};

char *s3_tags_from_request(req_t *r);                /* s3_lifecycle.c: x-amz-tagging (checked), pool-owned */
char *s3_headers_from_request(req_t *r);
char *s3_headers_add(req_t *r, const char *json, const char *name, const char *value);   /* pool */
int s3_checksum_begin(req_t *r, struct s3_req *q);
void s3_checksum_update(struct s3_req *q, const char *data, size_t n);
const char *s3_checksum_name(const struct s3_req *q);   /* the x-amz-checksum-* header in use, or NULL */
uint64_t s3_crc64nvme(uint64_t crc, const void *data, size_t n);   /* CRC-64/NVME, chainable from 0 */
/* "CRC32" (any case) -> the algorithm's number, 0 if unknown; its x-amz-checksum-* header name. */
int s3_checksum_alg(const char *name);
const char *s3_checksum_header(int alg);
/* A multipart object's FULL_OBJECT checksum (crc32, crc32c, crc64nvme) from its parts' raw CRCs
 * and sizes, as if computed over all the bytes; CAIRN_EINVALIDREQUEST for the SHA ones. */
int s3_checksum_full(int alg, const unsigned char *raw, const uint64_t *sizes, int parts, char *out, size_t cap);
uint64_t s3_crc_combine(uint64_t crc1, uint64_t crc2, uint64_t len2, uint64_t poly, int w);
/* A multipart object's COMPOSITE checksum: the algorithm over the parts' raw checksums, "b64-N". */
int s3_checksum_composite(int alg, const unsigned char *raw, size_t len, int parts, char *out, size_t cap);
int s3_checksum_finish(req_t *r, struct s3_req *q, const char **headers_json);             /* s3_headers.c: JSON, pool-owned */
void s3_headers_to_response(req_t *r, const char *stored);
/* Before a write's body is read: a malformed Content-MD5 (InvalidDigest) or x-amz-tagging (InvalidTag). */
int s3_write_headers_check(req_t *r, const char **why);
/* x-amz-version-id (when a bucket's versioning made one or a version was asked for) and
 * x-amz-delete-marker headers. */
void s3_version_headers(req_t *r, const char *version_id, int delete_marker, int asked);
/* s3_sse.c: the request's SSE headers (copy_source: the x-amz-copy-source-...-customer-* ones)
 * into *out; 0 or the error with *why. */
int s3_sse_parse(req_t *r, int copy_source, struct svc_sse *out, const char **why);
/* The SSE headers an answer carries for an object with these stored headers. */
void s3_sse_answer(req_t *r, const char *headers_json);
int s3_encryption_end(req_t *r, struct s3_req *q);   /* ?encryption */
/* s3_cors.c: ?cors and preflights; the Access-Control-* headers of a request with an Origin. */
int s3_cors_end(req_t *r, struct s3_req *q);
void s3_cors_headers(req_t *r, struct s3_req *q);
/* Commits q's finished writer as an object (PutObject's worker path); end runs again after. */
int s3_defer_commit(req_t *r, struct s3_req *q, const char *ctype, const char *headers, const char *tags);
/* s3_post.c: POST Object (browser form uploads). */
int s3_post_begin(req_t *r, struct s3_req *q);
int s3_post_body(req_t *r, struct s3_req *q, const char *data, size_t n);
int s3_post_end(req_t *r, struct s3_req *q);
int s3_access_end(req_t *r, struct s3_req *q);   /* s3_access.c: ?acl, ?policy, ?policyStatus, bucket ?tagging */
int s3_object_attributes(req_t *r, struct s3_req *q);   /* s3_attributes.c: GET ?attributes */
int s3_copy_preconditions(req_t *r, const char *etag, int64_t mtime_ms);   /* x-amz-copy-source-if-* */
int s3_preconditions(req_t *r, const char *etag, int64_t mtime_ms);   /* 0, EPRECONDITION, ENOTMODIFIED */
int s3_copy_object(req_t *r, struct s3_req *q);       /* s3_copy.c */
int s3_delete_objects(req_t *r, struct s3_req *q);    /* s3_copy.c: POST ?delete */
int s3_upload_part_copy(req_t *r, struct s3_req *q);  /* s3_copy.c: runs the copy on a worker */
int s3_subresource_end(req_t *r, struct s3_req *q);   /* s3_lifecycle.c: tagging, lifecycle */
int s3_start_body(req_t *r, struct s3_req *q);     /* s3.c: PutObject / UploadPart body */
int s3_put_end(req_t *r, struct s3_req *q);        /* s3.c: commit on a worker, then answer */
int s3_list_objects(req_t *r, struct s3_req *q);   /* s3_list.c: ListObjects v1 and v2 */
int s3_mpu_begin(req_t *r, struct s3_req *q);       /* checks before the body */
int s3_mpu_end(req_t *r, struct s3_req *q);         /* everything but UploadPart's commit */

#endif
