/* s3_classify.c - which S3 operation a request is: method, bucket/key presence, the names of the
 * query parameters and a few headers in, one operation or a refusal out. Every query parameter
 * must be one the chosen operation knows; anything else (an S3 feature cairn lacks, a typo, a
 * header hoisted into a presigned query) is 501 NotImplemented, never a fall-through to the plain
 * operation. Pure: no request, no I/O, fuzzed by fuzz/fuzz_s3_classify.c. */
#include "s3_classify.h"
#include "../util/err.h"
#include <stdio.h>
#include <string.h>

/* Parameter groups an operation may accept. */
enum {
  P_SIG = 1 << 0,      /* presigned SigV4 and SDK markers: on every operation */
  P_LIST = 1 << 1,     /* ListObjects v1/v2 */
  P_UPLIST = 1 << 2,   /* ListMultipartUploads */
  P_PARTS = 1 << 3,    /* ListParts */
  P_RESP = 1 << 4,     /* GetObject response-* overrides */
  P_ENC = 1 << 5,      /* encoding-type (every listing) */
  P_VERS = 1 << 6,     /* ListObjectVersions */
  P_VID = 1 << 7,      /* versionId: one version of an object */
};

struct param { const char *name; unsigned group; };

static const struct param params[] = {
  {"X-Amz-Algorithm", P_SIG}, {"X-Amz-Credential", P_SIG}, {"X-Amz-Date", P_SIG},
  {"X-Amz-Expires", P_SIG}, {"X-Amz-SignedHeaders", P_SIG}, {"X-Amz-Signature", P_SIG},
  {"x-id", P_SIG}, {"AWSAccessKeyId", P_SIG}, {"Expires", P_SIG}, {"Signature", P_SIG},
  {"prefix", P_LIST | P_UPLIST | P_VERS}, {"delimiter", P_LIST | P_UPLIST | P_VERS}, {"marker", P_LIST},
  {"max-keys", P_LIST | P_VERS}, {"list-type", P_LIST}, {"continuation-token", P_LIST},
  {"version-id-marker", P_VERS}, {"versionId", P_VID},
  {"start-after", P_LIST}, {"fetch-owner", P_LIST}, {"encoding-type", P_ENC},
  {"key-marker", P_UPLIST | P_VERS}, {"upload-id-marker", P_UPLIST}, {"max-uploads", P_UPLIST},
  {"max-parts", P_PARTS}, {"part-number-marker", P_PARTS},
  {"response-content-type", P_RESP}, {"response-content-language", P_RESP},
  {"response-expires", P_RESP}, {"response-cache-control", P_RESP},
  {"response-content-disposition", P_RESP}, {"response-content-encoding", P_RESP},
};

/* Sub-resources cairn implements (the operation is chosen by them). */
static const char *const subresources[] = {"uploads", "uploadId", "partNumber", "tagging", "lifecycle",
                                           "location", "versioning", "delete", "cors", "acl", "policy", "policyStatus",
                                           "publicAccessBlock", "ownershipControls", "attributes", "versions", "encryption"};
enum { SR_UPLOADS = 1 << 0, SR_UPLOADID = 1 << 1, SR_PARTNUMBER = 1 << 2, SR_TAGGING = 1 << 3,
       SR_LIFECYCLE = 1 << 4, SR_LOCATION = 1 << 5, SR_VERSIONING = 1 << 6, SR_DELETE = 1 << 7,
       SR_CORS = 1 << 8, SR_ACL = 1 << 9, SR_POLICY = 1 << 10, SR_POLICYSTATUS = 1 << 11,
       SR_ACCESSBLOCK = 1 << 12, SR_OWNERSHIP = 1 << 13, SR_ATTRIBUTES = 1 << 14, SR_VERSIONS = 1 << 15,
       SR_ENCRYPTION = 1 << 16 };

/* Server-side encryption headers and the operations that take them (anything else: 501). */
enum { SSE_S3H = 1, SSE_CH = 2, SSE_COPYH = 4, SSE_NEVER = 8 };
static const struct { const char *name; int kind; } sse_headers[] = {
  {"x-amz-server-side-encryption", SSE_S3H}, {"x-amz-server-side-encryption-customer-algorithm", SSE_CH},
  {"x-amz-server-side-encryption-customer-key", SSE_CH}, {"x-amz-server-side-encryption-customer-key-MD5", SSE_CH},
  {"x-amz-server-side-encryption-aws-kms-key-id", SSE_NEVER}, {"x-amz-server-side-encryption-context", SSE_NEVER},
  {"x-amz-server-side-encryption-bucket-key-enabled", SSE_NEVER},
  {"x-amz-copy-source-server-side-encryption-customer-algorithm", SSE_COPYH},
  {"x-amz-copy-source-server-side-encryption-customer-key", SSE_COPYH},
  {"x-amz-copy-source-server-side-encryption-customer-key-MD5", SSE_COPYH},
};

static int sse_takes(enum s3_op op) {
  switch (op) {
  case S3_PUT_OBJECT: case S3_MPU_CREATE: return SSE_S3H | SSE_CH;
  case S3_COPY_OBJECT: return SSE_S3H | SSE_CH | SSE_COPYH;
  case S3_MPU_PART_COPY: return SSE_CH | SSE_COPYH;
  case S3_MPU_PART: case S3_MPU_COMPLETE: case S3_GET_OBJECT: case S3_OBJECT_ATTRIBUTES: return SSE_CH;
  default: return 0;
  }
}

/* A parameter name as sent: letters, digits, '-', '_', '.'. */
static int name_ok(const char *p, size_t n) {
  if (!n || n > 64) return 0;
  for (size_t i = 0; i < n; i++) {
    char c = p[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_' || c == '.'))
      return 0;
  }
  return 1;
}

static int is(const char *p, size_t n, const char *name) { return strlen(name) == n && !memcmp(p, name, n); }

/* Splits the query into sub-resource bits; *misplaced is set when a known plain parameter is not
 * in the groups `allowed`; the first unknown name is reported in unknown (pointer into q, length
 * in *ulen). */
static int scan_query(const char *q, unsigned allowed, unsigned *subs, unsigned *groups, const char **unknown, size_t *ulen,
                      int *dup) {
  *subs = *groups = 0;
  *unknown = NULL;
  *dup = 0;
  for (const char *p = q; p && *p;) {
    const char *amp = strchr(p, '&');
    size_t seg = amp ? (size_t)(amp - p) : strlen(p);
    size_t n = strcspn(p, "=&");
    if (n > seg) n = seg;
    if (seg) {
      if (!name_ok(p, n)) return CAIRN_EINVAL;
      int found = 0;
      for (size_t i = 0; i < sizeof subresources / sizeof subresources[0]; i++)
        if (is(p, n, subresources[i])) {
          if (*subs & (1u << i)) *dup = 1;
          *subs |= 1u << i;
          found = 1;
        }
      for (size_t i = 0; !found && i < sizeof params / sizeof params[0]; i++)
        if (is(p, n, params[i].name)) {
          if (!(params[i].group & allowed)) *groups = 1;   /* known, but not for this operation */
          found = 1;
        }
      if (!found && !*unknown) { *unknown = p; *ulen = n; }
    }
    p = amp ? amp + 1 : NULL;
  }
  return 0;
}

static int op_is(enum s3_op *op, enum s3_op v) { *op = v; return 0; }

/* Which plain parameter groups an operation accepts besides P_SIG. */
static unsigned accepted(enum s3_op op) {
  switch (op) {
  case S3_LIST_OBJECTS: return P_LIST | P_ENC;
  case S3_MPU_LIST_UPLOADS: return P_UPLIST | P_ENC;
  case S3_MPU_LIST_PARTS: return P_PARTS | P_ENC;
  case S3_GET_OBJECT: return P_RESP | P_VID;
  case S3_DELETE_OBJECT: return P_VID;
  case S3_TAGGING_GET: case S3_TAGGING_PUT: case S3_TAGGING_DELETE: case S3_OBJECT_ACL_GET:
  case S3_OBJECT_ACL_PUT: case S3_OBJECT_ATTRIBUTES: return P_VID;
  case S3_LIST_VERSIONS: return P_VERS | P_ENC;
  case S3_DELETE_OBJECTS: return 0;
  default: return 0;
  }
}

static int pick(const struct s3_class_in *in, unsigned subs, enum s3_op *op, const char **why) {
  const char *m = in->method;
  int get = !strcmp(m, "GET"), head = !strcmp(m, "HEAD"), put = !strcmp(m, "PUT"),
      del = !strcmp(m, "DELETE"), post = !strcmp(m, "POST");
  if (!strcmp(m, "OPTIONS") && in->bucket) return op_is(op, S3_CORS_PREFLIGHT);   /* a browser's preflight */
  if (!in->bucket) {
    if (subs) { *why = "this sub-resource needs a bucket"; return CAIRN_ENOTIMPL; }
    if (get) return op_is(op, S3_LIST_BUCKETS);
    return CAIRN_EMETHOD;
  }
  if (!in->key) {
    switch (subs) {
    case 0:
      if (put) return op_is(op, S3_CREATE_BUCKET);
      if (head) return op_is(op, S3_HEAD_BUCKET);
      if (del) return op_is(op, S3_DELETE_BUCKET);
      if (get) return op_is(op, S3_LIST_OBJECTS);
      if (post) return op_is(op, S3_POST_OBJECT);   /* a browser form upload */
      return CAIRN_EMETHOD;
    case SR_UPLOADS: if (get) return op_is(op, S3_MPU_LIST_UPLOADS); break;
    case SR_LIFECYCLE:
      if (get) return op_is(op, S3_LIFECYCLE_GET);
      if (put) return op_is(op, S3_LIFECYCLE_PUT);
      if (del) return op_is(op, S3_LIFECYCLE_DELETE);
      break;
    case SR_LOCATION: if (get) return op_is(op, S3_LOCATION); break;
    case SR_VERSIONING:
      if (get) return op_is(op, S3_VERSIONING);
      if (put) return op_is(op, S3_VERSIONING_PUT);
      break;
    case SR_DELETE: if (post) return op_is(op, S3_DELETE_OBJECTS); break;
    case SR_CORS:
      if (get) return op_is(op, S3_CORS_GET);
      if (put) return op_is(op, S3_CORS_PUT);
      if (del) return op_is(op, S3_CORS_DELETE);
      break;
    case SR_TAGGING:
      if (get) return op_is(op, S3_BUCKET_TAGGING_GET);
      if (put) return op_is(op, S3_BUCKET_TAGGING_PUT);
      if (del) return op_is(op, S3_BUCKET_TAGGING_DELETE);
      break;
    case SR_ACL:
      if (get) return op_is(op, S3_ACL_GET);
      if (put) return op_is(op, S3_ACL_PUT);
      break;
    case SR_POLICY:
      if (get) return op_is(op, S3_POLICY_GET);
      if (put) return op_is(op, S3_POLICY_PUT);
      if (del) return op_is(op, S3_POLICY_DELETE);
      break;
    case SR_POLICYSTATUS: if (get) return op_is(op, S3_POLICY_STATUS); break;
    case SR_VERSIONS: if (get) return op_is(op, S3_LIST_VERSIONS); break;
    case SR_ACCESSBLOCK:
      if (get) return op_is(op, S3_ACCESS_BLOCK_GET);
      if (put) return op_is(op, S3_ACCESS_BLOCK_PUT);
      if (del) return op_is(op, S3_ACCESS_BLOCK_DELETE);
      break;
    case SR_ENCRYPTION:
      if (get) return op_is(op, S3_ENCRYPTION_GET);
      if (put) return op_is(op, S3_ENCRYPTION_PUT);
      if (del) return op_is(op, S3_ENCRYPTION_DELETE);
      break;
    case SR_OWNERSHIP:
      if (get) return op_is(op, S3_OWNERSHIP_GET);
      if (put) return op_is(op, S3_OWNERSHIP_PUT);
      if (del) return op_is(op, S3_OWNERSHIP_DELETE);
      break;
    default: *why = "this combination of sub-resources is not implemented"; return CAIRN_ENOTIMPL;
    }
    return CAIRN_EMETHOD;
  }
  switch (subs) {
  case 0:
    if (get || head) return op_is(op, S3_GET_OBJECT);
    if (put) return op_is(op, in->copy_source ? S3_COPY_OBJECT : S3_PUT_OBJECT);
    if (del) return op_is(op, S3_DELETE_OBJECT);
    return CAIRN_EMETHOD;
  case SR_UPLOADS: if (post) return op_is(op, S3_MPU_CREATE); break;
  case SR_UPLOADID | SR_PARTNUMBER: if (put) return op_is(op, S3_MPU_PART); break;
  case SR_UPLOADID:
    if (post) return op_is(op, S3_MPU_COMPLETE);
    if (del) return op_is(op, S3_MPU_ABORT);
    if (get) return op_is(op, S3_MPU_LIST_PARTS);
    break;
  case SR_PARTNUMBER: if (get || head) return op_is(op, S3_GET_OBJECT); break;   /* one part, as a range */
  case SR_ATTRIBUTES: if (get) return op_is(op, S3_OBJECT_ATTRIBUTES); break;
  case SR_ACL:
    if (get) return op_is(op, S3_OBJECT_ACL_GET);
    if (put) return op_is(op, S3_OBJECT_ACL_PUT);
    break;
  case SR_TAGGING:
    if (get) return op_is(op, S3_TAGGING_GET);
    if (put) return op_is(op, S3_TAGGING_PUT);
    if (del) return op_is(op, S3_TAGGING_DELETE);
    break;
  default: *why = "this sub-resource is not implemented on objects"; return CAIRN_ENOTIMPL;
  }
  return CAIRN_EMETHOD;
}

int s3_classify(const struct s3_class_in *in, enum s3_op *op, const char **why) {
  static __thread char msg[128];
  *why = NULL;
  unsigned subs, misplaced;
  const char *unknown;
  size_t ulen = 0;
  int dup;
  if (scan_query(in->query ? in->query : "", P_SIG, &subs, &misplaced, &unknown, &ulen, &dup)) {
    *why = "malformed query parameter name";
    return CAIRN_EINVAL;
  }
  if (dup) { *why = "a sub-resource is given twice"; return CAIRN_EINVAL; }
  if (unknown) {
    snprintf(msg, sizeof msg, "the query parameter '%.*s' is not implemented", (int)(ulen > 64 ? 64 : ulen), unknown);
    *why = msg;
    return CAIRN_ENOTIMPL;
  }
  int rc = pick(in, subs, op, why);
  if (rc) return rc;
  int takes = sse_takes(*op) | (*op == S3_MPU_PART && in->copy_source ? SSE_COPYH : 0);   /* UploadPartCopy */
  for (size_t i = 0; i < sizeof sse_headers / sizeof sse_headers[0]; i++)
    if (in->has_header && in->has_header(in->ctx, sse_headers[i].name) && !(takes & sse_headers[i].kind)) {
      *why = sse_headers[i].kind == SSE_NEVER ? "SSE-KMS is not implemented: use AES256 (SSE-S3) or SSE-C"
                                              : "this operation does not take these server-side encryption headers";
      return CAIRN_ENOTIMPL;
    }
  scan_query(in->query ? in->query : "", P_SIG | accepted(*op), &subs, &misplaced, &unknown, &ulen, &dup);
  if (misplaced) { *why = "a query parameter does not apply to this operation"; return CAIRN_ENOTIMPL; }
  return 0;
}
