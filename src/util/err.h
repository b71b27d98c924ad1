/* err.h - cairn's error codes. One X-macro list generates the enum, the message, the S3-style
 * error code and the HTTP status, so the three can never drift apart. Functions return 0 or a
 * negative CAIRN_E* value. */
#ifndef CAIRN_ERR_H
#define CAIRN_ERR_H

/*  X(name,        s3/json code,            http, message) */
#define CAIRN_ERRNO_MAP(X)                                                                    \
  X(INVAL,      "InvalidArgument",         400, "invalid argument")                          \
  X(NOENT,      "NotFound",                404, "not found")                                 \
  X(EXIST,      "AlreadyExists",           409, "already exists")                            \
  X(IO,         "InternalError",           500, "input/output error")                        \
  X(NOMEM,      "InternalError",           500, "out of memory")                             \
  X(BUSY,       "SlowDown",                503, "server busy, retry later")                  \
  X(HASH,       "HashMismatch",            422, "content does not hash to the given id")     \
  X(SIZE,       "SizeMismatch",            422, "content size does not match the locator")   \
  X(TOOBIG,     "EntityTooLarge",          413, "entity larger than the maximum allowed")    \
  X(AUTH,       "AccessDenied",            403, "access denied")                             \
  X(SIG,        "SignatureDoesNotMatch",   403, "signature does not match")                 \
  X(SKEW,       "RequestTimeTooSkewed",    403, "request time too far from server time")     \
  X(EXPIRED,    "AccessDenied",            403, "request has expired")                       \
  X(CORRUPT,    "BlockCorrupt",            500, "stored block is corrupt")                   \
  X(RANGE,      "InvalidRange",            416, "requested range not satisfiable")           \
  X(ROFS,       "ReadOnly",                507, "no writable volume")                        \
  X(NOSPC,      "InsufficientStorage",     507, "no space left on volume")                   \
  X(METHOD,     "MethodNotAllowed",        405, "method not allowed")                        \
  X(CONTENTSHA, "XAmzContentSHA256Mismatch", 400, "x-amz-content-sha256 does not match body") \
  X(DB,         "InternalError",           500, "metadata database error")                   \
  X(UNAVAIL,    "ServiceUnavailable",      503, "the storage backend cannot be reached; retry") \
  X(NOSUCHBUCKET, "NoSuchBucket",          404, "the specified bucket does not exist")       \
  X(NOSUCHVERSION, "NoSuchVersion",       404, "the version ID does not match an existing version") \
  X(NOSUCHKEY,  "NoSuchKey",               404, "the specified key does not exist")          \
  X(BUCKETEXISTS, "BucketAlreadyOwnedByYou", 409, "the bucket already exists")               \
  X(BUCKETTAKEN, "BucketAlreadyExists",     409, "the bucket name is taken by another user")   \
  X(BUCKETNOTEMPTY, "BucketNotEmpty",      409, "the bucket is not empty")                   \
  X(BUCKETNAME, "InvalidBucketName",       400, "the bucket name is not valid")              \
  X(KEYTOOLONG, "KeyTooLongError",         400, "the key is longer than 1024 bytes")         \
  X(BADDIGEST,  "BadDigest",               400, "the Content-MD5 you specified did not match what was received") \
  X(NOSUCHUPLOAD, "NoSuchUpload",          404, "the specified multipart upload does not exist") \
  X(INVALIDPART, "InvalidPart",            400, "one or more of the specified parts could not be found or its ETag did not match") \
  X(PARTORDER,  "InvalidPartOrder",        400, "the list of parts was not in ascending order") \
  X(TOOSMALL,   "EntityTooSmall",          400, "a part other than the last is smaller than 5 MiB") \
  X(MALFORMEDXML, "MalformedXML",          400, "the XML you provided was not well-formed")  \
  X(PRECONDITION, "PreconditionFailed",    412, "at least one of the preconditions you specified did not hold") \
  X(NOTMODIFIED, "NotModified",            304, "not modified")                              \
  X(NOLIFECYCLE, "NoSuchLifecycleConfiguration", 404, "the lifecycle configuration does not exist") \
  X(NOCORS,     "NoSuchCORSConfiguration", 404, "the CORS configuration does not exist")     \
  X(NOPOLICY,   "NoSuchBucketPolicy",      404, "the bucket policy does not exist")           \
  X(NOTAGSET,   "NoSuchTagSet",            404, "there is no tag set")                        \
  X(NOACCESSBLOCK, "NoSuchPublicAccessBlockConfiguration", 404, "the public access block configuration was not found") \
  X(NOOWNERSHIP, "OwnershipControlsNotFoundError", 404, "the bucket ownership controls were not found") \
  X(PARTNUMBER, "InvalidPartNumber",       416, "the requested partnumber is not satisfiable") \
  X(ACLNOTSUPPORTED, "AccessControlListNotSupported", 400, "the bucket does not allow ACLs (BucketOwnerEnforced)") \
  X(CORSDENIED, "AccessForbidden",         403, "CORSResponse: this CORS request is not allowed") \
  X(NOTIMPL,    "NotImplemented",          501, "this operation is not implemented")         \
  X(MALFORMEDPOLICY, "MalformedPolicy",    400, "the policy is not valid")                   \
  X(INVALIDREQUEST, "InvalidRequest",     400, "the request is not valid as made")          \
  X(INVALIDTAG, "InvalidTag",              400, "at most 10 tags, keys of at most 128 and values of at most 256 characters") \
  X(INVALIDDIGEST, "InvalidDigest",        400, "the Content-MD5 you specified is not valid") \
  X(QUERYAUTH,  "AuthorizationQueryParametersError", 403, "the presigned query parameters are not valid") \
  X(CONFLICT,   "Conflict",                409, "the resource is not in a state that allows this") \
  X(VERSIONID,  "InvalidArgument",         400, "invalid version id specified")               \
  X(SSECNEEDED, "InvalidRequest",          400, "the object was stored using a form of server-side encryption: the correct parameters must be provided to retrieve it") \
  X(SSECWRONG,  "AccessDenied",            403, "the SSE-C key does not match the one the object was stored with") \
  X(QUOTA,      "QuotaExceeded",           403, "the write would exceed the space's quota")      \
  X(NOENCRYPTION, "ServerSideEncryptionConfigurationNotFoundError", 404, "the server-side encryption configuration was not found") \
  X(DEFER,      "Deferred",                500, "answer deferred to a worker (not an error)") \
  X(AGAIN,      "ServiceUnavailable",      503, "the server is shutting down")

enum {
  CAIRN_OK = 0,
#define CAIRN_ERR_ENUM_(name, code, status, msg) CAIRN_E##name,
  CAIRN_E_FIRST_ = -1000,
  CAIRN_ERRNO_MAP(CAIRN_ERR_ENUM_)
#undef CAIRN_ERR_ENUM_
  CAIRN_E_LAST_
};

const char *cairn_strerror(int err);   /* static string; "unknown error" for unknown values */
const char *cairn_errcode(int err);    /* S3 / JSON error code */
int cairn_errstatus(int err);          /* HTTP status */
int cairn_from_errno(int e);           /* maps a libc errno to a CAIRN_E* value */

#endif
