/* s3.h - what the S3 handler files share: the parsed request and the listing entry point. */
#ifndef CAIRN_S3_H
#define CAIRN_S3_H
#include "app.h"
#include "../service/objects.h"

enum s3_op {
  S3_LIST_BUCKETS, S3_CREATE_BUCKET, S3_HEAD_BUCKET, S3_DELETE_BUCKET, S3_LIST_OBJECTS,
  S3_LOCATION, S3_VERSIONING, S3_PUT_OBJECT, S3_GET_OBJECT, S3_DELETE_OBJECT,
};

struct s3_req {
  enum s3_op op;
  char bucket[64];
  const char *key;          /* decoded; "" for bucket operations */
  obj_writer_t *w;          /* PutObject in progress */
  int committing, rc;       /* PutObject commit on a worker */
  struct manifest m;
  char md5[33], sha[65];
};

int s3_list_objects(req_t *r, struct s3_req *q);   /* s3_list.c: ListObjects v1 and v2 */

#endif
