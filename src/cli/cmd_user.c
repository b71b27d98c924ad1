/* cmd_user.c - `cairn user add|list|rm`: through the API (admin keys), or directly on a data
 * directory with --data DIR (works while the server runs: SQLite WAL). */
#include "cli.h"
#include "../client/client.h"
#include "../meta/meta.h"
#include "../service/users.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int print_user(void *ctx, const struct meta_user *u) {
  (void)ctx;
  printf("%-20s %-22s %-6s %s\n", u->name, u->access_key, u->role, u->enabled ? "enabled" : "disabled");
  return 0;
}

static int local_cmd(const char *data, const char *verb, const char *name, const char *role) {
  struct keyring k;
  meta_t *m;
  int rc = keyring_load(data, 0, &k);
  if (rc) return cli_fail("cannot read %s/server.key: %s", data, cairn_strerror(rc));
  char *db = xasprintf("%s/meta.db", data);
  rc = meta_open_sqlite(db, &m);
  xfree(db);
  if (rc) return cli_fail("cannot open %s/meta.db", data);
  if (!strcmp(verb, "list")) rc = meta_user_list(m, print_user, NULL);
  else if (!strcmp(verb, "rm")) {
    rc = meta_user_rm(m, name);
    if (rc == CAIRN_ENOENT) { meta_close(m); return cli_fail("no user named '%s'", name); }
  } else {
    struct user_keys keys;
    rc = users_create(m, &k, name, role, &keys);
    if (rc == CAIRN_EEXIST) { meta_close(m); return cli_fail("user '%s' already exists", name); }
    if (rc == CAIRN_EINVAL) { meta_close(m); return cli_fail("invalid user name '%s'", name); }
    if (!rc) printf("user %s (%s)\naccess key: %s\nsecret key: %s\n", name, role, keys.access_key, keys.secret);
  }
  meta_close(m);
  return rc ? cli_fail("%s", cairn_strerror(rc)) : 0;
}

static int api_cmd(const char *verb, const char *name, const char *role) {
  struct client_resp resp;
  char path[256], *body = NULL;
  const char *method = "GET";
  snprintf(path, sizeof path, "/v1/users");
  if (!strcmp(verb, "rm")) { method = "DELETE"; snprintf(path, sizeof path, "/v1/users/%s", name); }
  else if (!strcmp(verb, "add")) {
    method = "POST";
    json_t *j = json_pack("{s:s,s:s}", "name", name, "role", role);
    body = json_dumps(j, JSON_COMPACT);
    json_decref(j);
  }
  char what[32];
  snprintf(what, sizeof what, "user %s", verb);
  int rc = cli_call(what, method, path, body, body ? strlen(body) : 0, NULL, 1 << 24, &resp);
  free(body);
  if (rc) return 1;
  json_error_t e;
  json_t *j = json_loadb(resp.body.s, resp.body.len, 0, &e);
  json_t *users = json_object_get(j, "users");
  if (!strcmp(verb, "list") && json_is_array(users)) {
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u) {
      struct meta_user mu = {0};
      snprintf(mu.name, sizeof mu.name, "%s", json_string_value(json_object_get(u, "name")));
      snprintf(mu.access_key, sizeof mu.access_key, "%s", json_string_value(json_object_get(u, "access_key")));
      snprintf(mu.role, sizeof mu.role, "%s", json_string_value(json_object_get(u, "role")));
      mu.enabled = json_is_true(json_object_get(u, "enabled"));
      print_user(NULL, &mu);
    }
  } else if (!strcmp(verb, "add") && j) {
    printf("user %s (%s)\naccess key: %s\nsecret key: %s\n", name, role,
           json_string_value(json_object_get(j, "access_key")), json_string_value(json_object_get(j, "secret_key")));
  }
  json_decref(j);
  client_resp_free(&resp);
  return 0;
}

int cmd_user(int argc, char **argv) {
  const char *verb = argc ? argv[0] : "", *name = NULL, *data = NULL, *role = "user";
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--data") && i + 1 < argc) data = argv[++i];
    else if (!strcmp(argv[i], "--admin")) role = "admin";
    else if (!name) name = argv[i];
    else return cli_fail("unexpected argument '%s'", argv[i]);
  }
  int needs_name = !strcmp(verb, "add") || !strcmp(verb, "rm");
  if (!(needs_name || !strcmp(verb, "list")) || (needs_name && !name))
    return cli_fail("usage: cairn user add NAME [--admin] | list | rm NAME  [--data DIR]");
  return data ? local_cmd(data, verb, name, role) : api_cmd(verb, name, role);
}
