/* volume_s3.h - a volume on any S3-compatible store (Ceph RGW, MinIO, AWS S3, another cairn):
 * blocks as objects <prefix>blocks/<id> of one bucket, trash as <prefix>trash/<id>.<deadline>,
 * quarantine as <prefix>quarantine/<id>. Requests go through libcurl, signed with cairn's own
 * SigV4 signer (payload hash signed), with connection reuse and retries with backoff and jitter on
 * 5xx, 429, SlowDown, stalls and dropped connections (never on other 4xx); when they are spent
 * the store counts as unavailable (CAIRN_EUNAVAIL: 503, retry), never as a missing block. A write is spooled to an
 * unlinked temp file while its hash is computed, then PUT; a read GETs the block into such a file
 * (which sendfile can serve). */
#ifndef CAIRN_VOLUME_S3_H
#define CAIRN_VOLUME_S3_H
#include "volume.h"

struct vol_s3_opts {
  const char *endpoint;      /* http(s)://host:port */
  const char *region, *access_key, *secret_key;
  int path_style, tls_verify;
  const char *spool_dir;     /* temp files of writes and reads */
  int max_attempts;          /* per request, >= 1 */
  long stall_s;              /* a request moving under 1 KiB/s this long is dropped and retried (0: 10) */
};

/* url: s3://BUCKET[/PREFIX]. Checks the bucket answers (HEAD). Caller closes. */
int vol_open_s3(const char *url, const struct vol_opts *o, const struct vol_s3_opts *s3, vol_t **out);

#endif
