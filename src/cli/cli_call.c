/* cli_call.c - one request to the gateway for a CLI command, with the one-line error on failure. */
#include "cli.h"
#include <stdio.h>

int cli_call(const char *what, const char *method, const char *path, const char *body, size_t len,
             const char *payload_hash, size_t max_body, struct client_resp *resp) {
  struct client c;
  client_init(&c);
  if (client_do(&c, method, path, body, len, payload_hash, max_body, resp)) {
    cli_fail("%s", resp->error);
    client_resp_free(resp);
    return 1;
  }
  if (resp->status / 100 != 2) {
    char msg[600];
    client_error_text(resp, msg, sizeof msg);
    cli_fail("%s failed: %s", what, msg);
    client_resp_free(resp);
    return 1;
  }
  return 0;
}
