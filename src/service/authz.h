/* authz.h - the one authorization decision of cairn: may this principal do this action on this
 * bucket (and key) or dataset? Owners and admins do everything; other users and anonymous
 * callers only what a canned ACL, an explicit grant or a bucket policy allows; an explicit Deny
 * in a policy wins over everything but the admin. Pure: no I/O (unit-tested and fuzzed). */
#ifndef CAIRN_AUTHZ_H
#define CAIRN_AUTHZ_H

enum principal_kind { PRINCIPAL_ANONYMOUS, PRINCIPAL_USER, PRINCIPAL_ADMIN };

/* Who is asking. The bearer of a presigned URL acts as its signer: the signature already binds
 * the method, path, query and every x-amz-* header (http/auth.c), so it can do nothing else. */
struct principal {
  enum principal_kind kind;
  const char *name;        /* user name; "" for anonymous */
  const char *source_ip;   /* client address, for aws:SourceIp conditions; may be NULL */
};

/* Actions, named after their IAM names in policies (authz_action_name). */
#define AUTHZ_ACTIONS(X)                                                                         \
  X(LIST_BUCKET, "s3:ListBucket", ACL_READ)                                                      \
  X(LIST_UPLOADS, "s3:ListBucketMultipartUploads", ACL_READ)                                     \
  X(GET_LOCATION, "s3:GetBucketLocation", ACL_READ)                                              \
  X(GET_VERSIONING, "s3:GetBucketVersioning", ACL_READ)                                          \
  X(GET_OBJECT, "s3:GetObject", ACL_READ)                                                        \
  X(GET_OBJECT_TAGGING, "s3:GetObjectTagging", ACL_READ)                                         \
  X(GET_OBJECT_VERSION, "s3:GetObjectVersion", ACL_READ)                                         \
  X(LIST_VERSIONS, "s3:ListBucketVersions", ACL_READ)                                            \
  X(LIST_PARTS, "s3:ListMultipartUploadParts", ACL_READ)                                         \
  X(PUT_OBJECT, "s3:PutObject", ACL_WRITE)                                                       \
  X(DELETE_OBJECT, "s3:DeleteObject", ACL_WRITE)                                                 \
  X(DELETE_OBJECT_VERSION, "s3:DeleteObjectVersion", ACL_WRITE)                                  \
  X(ABORT_UPLOAD, "s3:AbortMultipartUpload", ACL_WRITE)                                          \
  X(PUT_OBJECT_TAGGING, "s3:PutObjectTagging", ACL_WRITE)                                        \
  X(DELETE_OBJECT_TAGGING, "s3:DeleteObjectTagging", ACL_WRITE)                                  \
  X(GET_ACL, "s3:GetBucketAcl", ACL_READ_ACP)                                                    \
  X(PUT_ACL, "s3:PutBucketAcl", ACL_WRITE_ACP)                                                   \
  X(GET_LIFECYCLE, "s3:GetLifecycleConfiguration", 0)                                            \
  X(PUT_LIFECYCLE, "s3:PutLifecycleConfiguration", 0)                                            \
  X(GET_POLICY, "s3:GetBucketPolicy", 0)                                                         \
  X(PUT_POLICY, "s3:PutBucketPolicy", 0)                                                         \
  X(GET_CORS, "s3:GetBucketCORS", 0)                                                             \
  X(GET_ENCRYPTION, "s3:GetEncryptionConfiguration", 0)                                          \
  X(PUT_ENCRYPTION, "s3:PutEncryptionConfiguration", 0)                                          \
  X(GET_BUCKET_TAGGING, "s3:GetBucketTagging", 0)                                                \
  X(PUT_BUCKET_TAGGING, "s3:PutBucketTagging", 0)                                                \
  X(GET_POLICY_STATUS, "s3:GetBucketPolicyStatus", 0)                                            \
  X(PUT_VERSIONING, "s3:PutBucketVersioning", 0)                                                 \
  X(GET_ACCESS_BLOCK, "s3:GetBucketPublicAccessBlock", 0)                                        \
  X(PUT_ACCESS_BLOCK, "s3:PutBucketPublicAccessBlock", 0)                                        \
  X(GET_OWNERSHIP, "s3:GetBucketOwnershipControls", 0)                                           \
  X(PUT_OWNERSHIP, "s3:PutBucketOwnershipControls", 0)                                           \
  X(PUT_CORS, "s3:PutBucketCORS", 0)                                                             \
  X(DELETE_BUCKET, "s3:DeleteBucket", 0)

enum authz_action {
#define AUTHZ_ENUM_(n, s, p) AZ_##n,
  AUTHZ_ACTIONS(AUTHZ_ENUM_)
#undef AUTHZ_ENUM_
  AZ_COUNT_
};

/* ACL permissions (bits); FULL_CONTROL is all four. */
enum { ACL_READ = 1, ACL_WRITE = 2, ACL_READ_ACP = 4, ACL_WRITE_ACP = 8, ACL_FULL_CONTROL = 15 };

const char *authz_action_name(enum authz_action a);
/* 1 for object-level actions (their policy resource is bucket/key). */
int authz_action_on_object(enum authz_action a);

struct policy;
/* A bucket as authorization sees it. */
struct authz_bucket {
  const char *name;
  const char *owner;                /* user name */
  const char *acl;                  /* canned ACL; NULL = private */
  const char *grants;               /* JSON {"user": ["READ", ...]} or NULL */
  const struct policy *policy;      /* parsed (policy.h) or NULL */
  int restrict_public;              /* RestrictPublicBuckets with a public policy: it allows anonymous nothing */
};

/* 0 when allowed, else CAIRN_EAUTH. key: object actions; prefix: the listing's prefix (s3:prefix
 * conditions), may be NULL. */
int authz_bucket(const struct principal *p, enum authz_action a, const struct authz_bucket *b,
                 const char *key, const char *prefix);

/* Datasets: owner and admins read and write; others read public datasets; nobody else writes. */
int authz_dataset(const struct principal *p, int write, const char *owner, int public_read);

/* Checks and normalizes sharing input: a canned ACL name (1 if known); a permission name
 * ("READ", ..., "FULL_CONTROL") into its bits (0 if unknown). */
int authz_acl_known(const char *acl);
int authz_perm_bits(const char *perm);

#endif
