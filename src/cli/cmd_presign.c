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
  sbuf_t path = {0};
  sbuf_addc(&path, '/');
  encode_path(&path, gateway_path ? target + 1 : target + 5);
  char *cu = sigv4_canonical_uri(path.s);   /* the path as the server will canonicalise it */
  char *url = sigv4_presign(method, c.url, cu, c.access_key, c.secret, c.region, expires_ms / 1000, time(NULL));
  printf("%s\n", url);
  xfree(url);
  xfree(cu);
  sbuf_free(&path);
  return 0;
}
