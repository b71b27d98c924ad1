/* mirror.h - the regional mirror (cloud-mirror's model): the first request for an upstream URL in a
 * region queues one copy task (concurrent requests coalesce on it) that streams the upstream into
 * the region's mirror bucket (`mirror-<region>`, public-read, its lifecycle deleting copies after
 * mirror_ttl); later requests are redirected to the copy. Entries (present | pending | error) are
 * only a cache of the bucket: a lost entry is rebuilt from the copy's metadata. A copy past its
 * upstream expiry (Cache-Control max-age, Expires, else mirror_ttl) is revalidated with a
 * conditional request; a 304 keeps the copy. Deduplication applies: the same bytes behind two URLs
 * are stored once. */
#ifndef CAIRN_MIRROR_H
#define CAIRN_MIRROR_H
#include "svc.h"
#include "mirror_spool.h"
#include <jansson.h>
#include <stdint.h>

enum mirror_outcome {
  MIRROR_PRESENT,    /* redirect to location */
  MIRROR_PENDING,    /* a copy is under way: wait (svc_task_generation moves when it ends) */
  MIRROR_REFUSED,    /* answer status with {"msg", "err"} */
  MIRROR_UPSTREAM,   /* the copy failed: redirect the client to the upstream itself */
};

struct mirror_answer {
  enum mirror_outcome outcome;
  int status;              /* REFUSED: 403 InvalidUrl, 404 unknown region, the upstream's status */
  char err[32];            /* InvalidUrl, BadHTTPStatus, UnknownRegion */
  char msg[256];
  char key[70];            /* PRESENT: the copy is /<bucket>/<key> */
  char bucket[64];
  int coalesced;           /* PENDING: joined a copy another request started */
};

/* Decides what a redirect request gets. first: this request's first look (it may queue a copy,
 * and an entry in error is retried); later looks only read. Anyone may ask (cloud-mirror's
 * redirect is public). */
int svc_mirror_redirect(svc_t *s, const char *region, const char *url, int first, struct mirror_answer *out);
/* ?stream=1 while a copy is PENDING: the copy running in this process (a reader reference, see
 * mirror_spool.h; spool_close when done), or NULL when none runs here yet. */
spool_t *svc_mirror_stream(svc_t *s, const char *region, const char *url);
/* Deletes the copy and its entry (admin). CAIRN_ENOENT: unknown region. */
int svc_mirror_purge(svc_t *s, const struct principal *p, const char *region, const char *url);
/* The mirror's entries (admin), ordered by region and URL hash, a page of at most limit (1..1000)
 * after the token `after` (NULL: from the start): {"entries": [{region, url, state, size, etag,
 * updated, expires, error}], "next": token or null}. CAIRN_EINVAL: a malformed token. */
int svc_mirror_list(svc_t *s, const struct principal *p, const char *after, int limit, json_t **out);
/* The mirror's task kind, registered by svc_open. */
void mirror_register(svc_t *s);
/* Counts a redirect that waited past mirror_max_wait and went to the upstream. */
void svc_mirror_count_fallback(svc_t *s);

#endif
