/* cmd_presign.c - `cairn presign [--expires 15m] [--put] s3://bucket/key`: prints a SigV4
 * presigned URL (crypto/sigv4.c signs it, the same code the server verifies with). */
#include "cli.h"
#include "../client/client.h"
#include "../crypto/sigv4.h"
#include "../util/alloc.h"
#include "../util/sbuf.h"
#include "../util/timeutil.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *host_of(const char *url) {
  const char *p = strstr(url, "://");
  return p ? p + 3 : url;
}

static const char *host_header(void *ctx, const char *name) {
  return !strcmp(name, "host") ? ctx : NULL;
}

/* SigV4 UriEncode of a key, keeping '/'. */
static void encode_path(sbuf_t *b, const char *s) {
  static const char hx[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-_.~/", *p))
      sbuf_addc(b, (char)*p);
    else { char e[3] = {'%', hx[*p >> 4], hx[*p & 15]}; sbuf_add(b, e, 3); }
  }
}

int cmd_presign(int argc, char **argv) {
  const char *target = NULL, *method = "GET";
  int64_t expires_ms = 15 * 60 * 1000;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--put")) method = "PUT";
    else if (!strcmp(argv[i], "--expires") && i + 1 < argc) {
      if (parse_duration_ms(argv[++i], &expires_ms) || expires_ms < 1000 || expires_ms > 604800000LL)
        return cli_fail("--expires must be between 1s and 7d");
    } else if (!target) target = argv[i];
    else return cli_fail("usage: cairn presign [--expires 15m] [--put] s3://bucket/key | /fs/NAME/TAG/PATH");
  }
  int gateway_path = target && target[0] == '/';   /* any GET endpoint: /fs/..., /v1/blocks/... */
  if (!target || (!gateway_path && (strncmp(target, "s3://", 5) || !strchr(target + 5, '/'))))
    return cli_fail("usage: cairn presign [--expires 15m] [--put] s3://bucket/key | /fs/NAME/TAG/PATH");
  struct client c;
  client_init(&c);
  if (!c.have_creds) return cli_fail("no credentials (CAIRN_ACCESS_KEY / CAIRN_SECRET_KEY or ~/.config/cairn/credentials)");
  struct sigv4_auth a = {0};
  time_t now = time(NULL);
  time_format_amz(now, a.amz_date);
  memcpy(a.date, a.amz_date, 8);
  snprintf(a.access_key, sizeof a.access_key, "%s", c.access_key);
  snprintf(a.region, sizeof a.region, "%s", c.region);
  snprintf(a.service, sizeof a.service, "s3");
  sbuf_t path = {0}, q = {0};
  sbuf_addc(&path, '/');
  encode_path(&path, gateway_path ? target + 1 : target + 5);
  sbuf_printf(&q, "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=%s%%2F%s%%2F%s%%2Fs3%%2Faws4_request"
              "&X-Amz-Date=%s&X-Amz-Expires=%lld&X-Amz-SignedHeaders=host", c.access_key, a.date, c.region,
              a.amz_date, (long long)(expires_ms / 1000));
  char *cq = sigv4_canonical_query(q.s, 1), *cu = sigv4_canonical_uri(path.s);
  char *creq = sigv4_canonical_request(method, cu, cq, "host", host_header, (void *)host_of(c.url), SIGV4_UNSIGNED);
  char sig[65];
  sigv4_sign(c.secret, &a, creq, sig);
  printf("%s%s?%s&X-Amz-Signature=%s\n", c.url, path.s, q.s, sig);
  xfree(cq);
  xfree(cu);
  xfree(creq);
  sbuf_free(&path);
  sbuf_free(&q);
  return 0;
}
