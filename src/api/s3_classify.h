/* s3_classify.h - the S3 operations cairn implements and the pure classifier that maps a request
 * (method, bucket/key presence, query names, headers) to one of them or to a refusal. */
#ifndef CAIRN_S3_CLASSIFY_H
#define CAIRN_S3_CLASSIFY_H

enum s3_op {
  S3_LIST_BUCKETS, S3_CREATE_BUCKET, S3_HEAD_BUCKET, S3_DELETE_BUCKET, S3_LIST_OBJECTS,
  S3_LOCATION, S3_VERSIONING, S3_PUT_OBJECT, S3_GET_OBJECT, S3_DELETE_OBJECT,
  S3_MPU_CREATE, S3_MPU_PART, S3_MPU_PART_COPY, S3_MPU_COMPLETE, S3_MPU_ABORT, S3_MPU_LIST_PARTS, S3_MPU_LIST_UPLOADS,
  S3_COPY_OBJECT, S3_DELETE_OBJECTS, S3_TAGGING_GET, S3_TAGGING_PUT, S3_TAGGING_DELETE,
  S3_LIFECYCLE_GET, S3_LIFECYCLE_PUT, S3_LIFECYCLE_DELETE,
  S3_CORS_GET, S3_CORS_PUT, S3_CORS_DELETE, S3_CORS_PREFLIGHT, S3_POST_OBJECT,
  S3_ACL_GET, S3_ACL_PUT, S3_OBJECT_ACL_GET, S3_OBJECT_ACL_PUT, S3_POLICY_GET, S3_POLICY_PUT, S3_POLICY_DELETE,
  S3_POLICY_STATUS, S3_BUCKET_TAGGING_GET, S3_BUCKET_TAGGING_PUT, S3_BUCKET_TAGGING_DELETE,
  S3_ACCESS_BLOCK_GET, S3_ACCESS_BLOCK_PUT, S3_ACCESS_BLOCK_DELETE, S3_OWNERSHIP_GET, S3_OWNERSHIP_PUT, S3_OWNERSHIP_DELETE,
  S3_OBJECT_ATTRIBUTES, S3_LIST_VERSIONS, S3_VERSIONING_PUT, S3_ENCRYPTION_GET, S3_ENCRYPTION_PUT, S3_ENCRYPTION_DELETE,
};

struct s3_class_in {
  const char *method;
  int bucket, key;            /* 1 when the request names a bucket / a key */
  const char *query;          /* raw query string ("" when none) */
  int copy_source;            /* x-amz-copy-source is present */
  int (*has_header)(void *ctx, const char *name);   /* may be NULL: no headers */
  void *ctx;
};

/* 0 and *op, or CAIRN_EINVAL / CAIRN_EMETHOD / CAIRN_ENOTIMPL with *why (static or thread-local
 * text, may be NULL). Unknown query parameters and server-side-encryption headers an operation does not take are refused. */
int s3_classify(const struct s3_class_in *in, enum s3_op *op, const char **why);

#endif
