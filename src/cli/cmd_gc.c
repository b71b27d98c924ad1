/* cmd_gc.c - `cairn gc`: asks the gateway (admin key) to collect garbage now; prints the report. */
#include "cli.h"
#include "../client/client.h"
#include <stdio.h>

int cmd_gc(int argc, char **argv) {
  (void)argv;
  if (argc) return cli_fail("usage: cairn gc");
  struct client c;
  client_init(&c);
  struct client_resp resp;
  if (client_do(&c, "POST", "/v1/gc", "", 0, NULL, 1 << 16, &resp)) {
    client_resp_free(&resp);
    return cli_fail("%s", resp.error);
  }
  int rc = 0;
  if (resp.status != 200) {
    char msg[600];
    client_error_text(&resp, msg, sizeof msg);
    rc = cli_fail("gc failed: %s", msg);
  } else {
    fputs(resp.body.s, stdout);
  }
  client_resp_free(&resp);
  return rc;
}
