/* s3_list.h - one ListObjectsV2 answer of an S3 store, parsed for the S3 volume driver: each
 * <Contents> under a key prefix becomes a vol_entry (the key without the prefix; in the trash
 * area "<id>.<deadline>" becomes id and, as mtime, the deadline in seconds), and the page's
 * IsTruncated / NextContinuationToken. Pure (fuzzed: the store's bytes are not trusted). */
#ifndef CAIRN_S3_LIST_H
#define CAIRN_S3_LIST_H
#include "volume.h"
#include <stddef.h>

struct s3_list {
  const char *strip;     /* the key prefix entries start with ("pfx/blocks/") */
  int trash;             /* names carry ".<deadline>" */
  vol_list_cb cb;
  void *ctx;
  /* out, per page */
  int truncated, stopped;   /* stopped: cb asked to stop (kept across pages) */
  char token[1100];
  /* the entry being read */
  char key[1100];
  uint64_t size;
  int64_t mtime;
};

/* Parses one page into l (truncated and token reset first); 0 or CAIRN_EINVAL (not XML). */
int s3_list_parse(const char *xml, size_t len, struct s3_list *l);

#endif
