/* cmd_gc.c - `cairn gc`: asks the gateway (admin key) to collect garbage now; prints the report. */
#include "cli.h"
#include "../client/client.h"
#include <stdio.h>

int cmd_gc(int argc, char **argv) {
  (void)argv;
  if (argc) return cli_fail("usage: cairn gc");
  struct client_resp resp;
  if (cli_call("gc", "POST", "/v1/gc", "", 0, NULL, 1 << 16, &resp)) return 1;
  fputs(resp.body.s, stdout);
  client_resp_free(&resp);
  return 0;
}
