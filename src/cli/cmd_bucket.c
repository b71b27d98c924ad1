/* cmd_bucket.c - `cairn bucket ...`: share a bucket (its owner, an admin, or a holder of
 * WRITE_ACP) through /v1/buckets/<name>/...:
 *   public NAME on|off            anonymous reads (canned ACL public-read / private)
 *   acl NAME CANNED               private | public-read | public-read-write | authenticated-read
 *   share NAME USER PERM[,PERM]   grant READ, WRITE, READ_ACP, WRITE_ACP or FULL_CONTROL
 *   unshare NAME USER             revoke a user's grants
 *   policy NAME FILE|-|--delete   set (from a file or stdin) or remove the bucket policy
 *   show NAME                     owner, ACL, grants and policy as JSON */
#include "cli.h"
#include "../client/client.h"
#include "../util/alloc.h"
#include "../util/sbuf.h"
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define USAGE "usage: cairn bucket public NAME on|off | acl NAME CANNED | share NAME USER PERM[,PERM] | " \
              "unshare NAME USER | policy NAME FILE|-|--delete | show NAME"

static int call(const char *what, const char *method, const char *path, const char *body) {
  struct client_resp resp;
  if (cli_call(what, method, path, body, body ? strlen(body) : 0, NULL, 1 << 20, &resp)) return 1;
  fwrite(resp.body.s ? resp.body.s : "", 1, resp.body.len, stdout);
  if (resp.body.len && resp.body.s[resp.body.len - 1] != '\n') putchar('\n');
  client_resp_free(&resp);
  return 0;
}

static char *read_all(FILE *f) {
  sbuf_t b = {0};
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) sbuf_add(&b, buf, n);
  return b.s ? b.s : xstrdup("");
}

static char *json_one(const char *key, json_t *v) {
  json_t *o = json_pack("{s:o}", key, v);
  char *s = json_dumps(o, JSON_COMPACT);
  json_decref(o);
  return s;
}

int cmd_bucket(int argc, char **argv) {
  if (argc < 2) return cli_fail(USAGE);
  const char *op = argv[0], *name = argv[1];
  char path[512];
  int rc;
  if (!strcmp(op, "public") && argc == 3 && (!strcmp(argv[2], "on") || !strcmp(argv[2], "off"))) {
    snprintf(path, sizeof path, "/v1/buckets/%s/public", name);
    char *body = json_one("public", json_boolean(!strcmp(argv[2], "on")));
    rc = call("bucket public", "PUT", path, body);
    free(body);
    return rc;
  }
  if (!strcmp(op, "acl") && argc == 3) {
    snprintf(path, sizeof path, "/v1/buckets/%s/acl", name);
    char *body = json_one("acl", json_string(argv[2]));
    rc = call("bucket acl", "PUT", path, body);
    free(body);
    return rc;
  }
  if (!strcmp(op, "share") && argc == 4) {
    snprintf(path, sizeof path, "/v1/buckets/%s/grants/%s", name, argv[2]);
    json_t *perms = json_array();
    char *copy = xstrdup(argv[3]);
    for (char *save = NULL, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) json_array_append_new(perms, json_string(t));
    xfree(copy);
    char *body = json_one("permissions", perms);
    rc = call("bucket share", "PUT", path, body);
    free(body);
    return rc;
  }
  if (!strcmp(op, "unshare") && argc == 3) {
    snprintf(path, sizeof path, "/v1/buckets/%s/grants/%s", name, argv[2]);
    return call("bucket unshare", "DELETE", path, NULL);
  }
  if (!strcmp(op, "policy") && argc == 3) {
    snprintf(path, sizeof path, "/v1/buckets/%s/policy", name);
    if (!strcmp(argv[2], "--delete")) return call("bucket policy", "DELETE", path, NULL);
    FILE *f = strcmp(argv[2], "-") ? fopen(argv[2], "rb") : stdin;
    if (!f) return cli_fail("cannot read %s", argv[2]);
    char *body = read_all(f);
    if (f != stdin) fclose(f);
    rc = call("bucket policy", "PUT", path, body);
    xfree(body);
    return rc;
  }
  if (!strcmp(op, "show") && argc == 2) {
    snprintf(path, sizeof path, "/v1/buckets/%s/access", name);
    return call("bucket show", "GET", path, NULL);
  }
  return cli_fail(USAGE);
}
