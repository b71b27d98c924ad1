/* mirror_fetch.h - fetching an upstream URL for the regional mirror, safely: the URL and every
 * redirect hop (followed one by one, at most 30) must match an anchored allow pattern (and be
 * https when required); a host that resolves to a loopback, private or link-local address is
 * refused unless the matching pattern names that host literally, and the connection is pinned to
 * the address that was checked (no DNS rebinding between check and connect). The body of the
 * final 2xx answer streams to a callback; nothing is held in memory. */
#ifndef CAIRN_MIRROR_FETCH_H
#define CAIRN_MIRROR_FETCH_H
#include <stddef.h>
#include <stdint.h>

struct mirror_rules {
  const char *allow;        /* space-separated anchored POSIX extended regular expressions */
  int require_https;
};

/* 0 when url may be fetched under r (syntax, scheme, allow list); else CAIRN_EAUTH with *why. */
int mirror_url_allowed(const struct mirror_rules *r, const char *url, const char **why);

struct mirror_response {
  int status;                       /* of the final answer */
  char content_type[256], content_encoding[128], content_disposition[512];
  char etag[160], last_modified[64], content_md5[64], cache_control[256], expires[64];
  int64_t content_length;           /* -1 when not sent */
  char final_url[2048];
};

struct mirror_fetch {
  const char *if_none_match, *if_modified_since;   /* revalidation; NULL or "" for none */
  /* the final 2xx answer's headers are in: 0 to go on, else the fetch stops with that error */
  int (*on_start)(void *ctx, const struct mirror_response *r);
  int (*on_body)(void *ctx, const void *data, size_t n);   /* 0, or stop with that error */
  void *ctx;
};

/* Fetches url. 0 with resp filled (2xx, or 304 when revalidating); CAIRN_EAUTH with *why for a
 * URL or hop the rules refuse; CAIRN_EIO for a transport failure (*why, detail); for another
 * status 0 too, with resp->status saying it (the caller decides). */
int mirror_fetch_url(const struct mirror_rules *r, const char *url, const struct mirror_fetch *f,
                     struct mirror_response *resp, char *why, size_t whylen);

#endif
