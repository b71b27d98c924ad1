/* client.h - the CLI's HTTP client: libcurl, SigV4 signing with CURLOPT_AWS_SIGV4, the gateway
 * URL and credentials from CAIRN_URL / CAIRN_ACCESS_KEY / CAIRN_SECRET_KEY or
 * ~/.config/cairn/credentials. */
#ifndef CAIRN_CLIENT_H
#define CAIRN_CLIENT_H
#include "../util/sbuf.h"
#include <stddef.h>

struct client {
  char url[512];
  char access_key[128];
  char secret[128];
  char region[64];
  int have_creds;
  void *curl;          /* a kept libcurl handle (client_keep): connections are reused */
  int direct;          /* GETs ask for a direct read (X-Cairn-Redirect: allow) and follow a 307 to the
                        * store's presigned URL, unsigned; the caller still verifies the bytes */
  unsigned long directs;   /* how many 307s were followed */
};

int client_init(struct client *c);   /* 0; never fails (credentials may be absent) */

struct client_resp { long status; sbuf_t body; char error[512]; };

/* Sends method path (with query); body may be NULL. payload_hash is the x-amz-content-sha256
 * value (NULL: UNSIGNED-PAYLOAD). max_body caps the response kept in memory. 0 when an HTTP
 * answer came back (any status), else CAIRN_EIO with resp->error set. */
int client_do(struct client *c, const char *method, const char *path, const void *body, size_t len,
              const char *payload_hash, size_t max_body, struct client_resp *resp);
/* One-line error text for a non-2xx answer ("message (Code, HTTP status)"). */
void client_error_text(const struct client_resp *resp, char *out, size_t cap);
void client_resp_free(struct client_resp *resp);
/* Keep one connection for the following calls (one client per thread); client_close ends it. */
void client_keep(struct client *c);
void client_close(struct client *c);

#endif
