/* cmd_bucket.c - `cairn bucket public NAME on|off` (admin key). */
#include "cli.h"
#include "../client/client.h"
#include <stdio.h>
#include <string.h>

int cmd_bucket(int argc, char **argv) {
  if (argc != 3 || strcmp(argv[0], "public") || (strcmp(argv[2], "on") && strcmp(argv[2], "off")))
    return cli_fail("usage: cairn bucket public NAME on|off");
  char path[256], body[32];
  snprintf(path, sizeof path, "/v1/buckets/%s/public", argv[1]);
  snprintf(body, sizeof body, "{\"public\": %s}", strcmp(argv[2], "on") ? "false" : "true");
  struct client_resp resp;
  if (cli_call("bucket public", "PUT", path, body, strlen(body), NULL, 1 << 16, &resp)) return 1;
  printf("bucket %s is %s\n", argv[1], strcmp(argv[2], "on") ? "private" : "public");
  client_resp_free(&resp);
  return 0;
}
