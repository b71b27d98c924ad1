/* cmd_project.c - `cairn project add|ls|show|set|rm` and `cairn home add|show|set|rm`: the
 * filer-gateway's project and home API (/v1/projects, /v1/users) from the command line, each
 * change waiting for its task with a progress line on stderr (when it is a terminal). */
#include "cli.h"
#include "../client/client.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static json_t *call(const char *what, const char *method, const char *path, json_t *body, int *status) {
  struct client_resp resp;
  char *b = body ? json_dumps(body, JSON_COMPACT) : NULL;
  int rc = cli_call(what, method, path, b ? b : "", b ? strlen(b) : 0, NULL, 1 << 24, &resp);
  free(b);
  if (rc) return NULL;
  if (status) *status = resp.status;
  json_t *j = resp.body.len ? json_loadb(resp.body.s, resp.body.len, 0, NULL) : json_object();
  client_resp_free(&resp);
  if (!j) cli_fail("%s: the gateway answered something that is not JSON", what);
  return j;
}

/* Polls the task (filer-gateway shape) once a second until it ends; 0 when it succeeded. */
static int wait_fg_task(const char *kind, json_t *t) {
  const char *id = json_string_value(json_object_get(t, "taskID"));
  if (!id) return cli_fail("the gateway answered no task");
  char path[128], tid[64];
  snprintf(tid, sizeof tid, "%s", id);
  snprintf(path, sizeof path, "/v1/tasks/%s/%s", kind, tid);
  int tty = isatty(2);
  for (int i = 0; i < 3600; i++) {
    json_t *s = call("task", "GET", path, NULL, NULL);
    if (!s) return 1;
    json_t *st = json_object_get(s, "taskStatus");
    const char *state = json_string_value(json_object_get(st, "status"));
    if (tty) fprintf(stderr, "\r\033[Ktask %s: %s", tid, state ? state : "?");
    if (state && (!strcmp(state, "succeeded") || !strcmp(state, "failed") || !strcmp(state, "canceled"))) {
      if (tty) fputs("\r\033[K", stderr);
      int rc = strcmp(state, "succeeded") ? cli_fail("task %s %s: %s", tid, state, json_string_value(json_object_get(st, "error"))) : 0;
      json_decref(s);
      return rc;
    }
    json_decref(s);
    sleep(1);
  }
  return cli_fail("task %s did not end", tid);
}

static void print_space(const json_t *p, const char *idkey) {
  const json_t *st = json_object_get(p, "storage");
  printf("%-24s %-8s quota %lld GiB  used %lld MiB (logical %lld MiB)", json_string_value(json_object_get(p, idkey)),
         json_string_value(json_object_get(st, "system")), (long long)json_integer_value(json_object_get(st, "quotaGb")),
         (long long)json_integer_value(json_object_get(st, "usageMb")), (long long)json_integer_value(json_object_get(st, "usageLogicalMb")));
  size_t i;
  json_t *m;
  json_array_foreach(json_object_get(p, "members"), i, m)
    printf("%s%s:%s", i ? "," : "  members ", json_string_value(json_object_get(m, "userID")), json_string_value(json_object_get(m, "role")));
  putchar('\n');
}

/* --quota GB, --system S, --member USER:ROLE (repeatable) into a filer-gateway body. */
static int options(int argc, char **argv, json_t *body) {
  json_t *storage = json_object(), *members = json_array();
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--quota") && i + 1 < argc) {
      char *end;
      long long q = strtoll(argv[++i], &end, 10);
      if (*end || q < 0) { json_decref(storage); json_decref(members); return cli_fail("--quota takes whole GiB"); }
      json_object_set_new(storage, "quotaGb", json_integer(q));
    } else if (!strcmp(argv[i], "--system") && i + 1 < argc) {
      json_object_set_new(storage, "system", json_string(argv[++i]));
    } else if (!strcmp(argv[i], "--member") && i + 1 < argc) {
      const char *m = argv[++i], *colon = strchr(m, ':');
      if (!colon || colon == m) { json_decref(storage); json_decref(members); return cli_fail("--member takes USER:ROLE"); }
      json_array_append_new(members, json_pack("{s:s%,s:s}", "userID", m, (size_t)(colon - m), "role", colon + 1));
    } else {
      json_decref(storage); json_decref(members);
      return cli_fail("unknown option '%s'", argv[i]);
    }
  }
  if (json_object_size(storage)) json_object_set(body, "storage", storage);
  if (json_array_size(members)) json_object_set(body, "members", members);
  json_decref(storage);
  json_decref(members);
  return 0;
}

static int submit(const char *what, const char *method, const char *path, const char *kind, json_t *body) {
  int status = 0;
  json_t *t = call(what, method, path, body, &status);
  json_decref(body);
  if (!t) return 1;
  int rc = status == 204 ? (printf("nothing to change\n"), 0) : wait_fg_task(kind, t);
  json_decref(t);
  return rc;
}

int cmd_project(int argc, char **argv) {
  const char *verb = argc > 0 ? argv[0] : "", *id = argc > 1 ? argv[1] : NULL;
  char path[192];
  if (!strcmp(verb, "ls")) {
    json_t *j = call("project ls", "GET", "/v1/projects", NULL, NULL);
    if (!j) return 1;
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(j, "projects"), i, p) print_space(p, "projectID");
    json_decref(j);
    return 0;
  }
  if (!id || strlen(id) > 64 || strchr(id, '/')) return cli_fail("usage: cairn project add|show|set|rm ID [--quota GB] [--system cairn] [--member USER:ROLE]...");
  snprintf(path, sizeof path, "/v1/projects/%s", id);
  if (!strcmp(verb, "show")) {
    json_t *j = call("project show", "GET", path, NULL, NULL);
    if (!j) return 1;
    print_space(j, "projectID");
    json_decref(j);
    return 0;
  }
  if (!strcmp(verb, "rm")) {
    json_t *j = call("project rm", "DELETE", path, NULL, NULL);
    json_decref(j);
    return j ? 0 : 1;
  }
  json_t *body = json_object();
  if (options(argc - 2, argv + 2, body)) { json_decref(body); return 1; }
  if (!strcmp(verb, "add")) {
    json_object_set_new(body, "projectID", json_string(id));
    json_t *st = json_object_get(body, "storage");
    if (!st) { st = json_object(); json_object_set_new(body, "storage", st); }
    if (!json_object_get(st, "system")) json_object_set_new(st, "system", json_string("cairn"));
    return submit("project add", "POST", "/v1/projects", "project", body);
  }
  if (!strcmp(verb, "set")) return submit("project set", "PATCH", path, "project", body);
  json_decref(body);
  return cli_fail("unknown project command '%s' (add, ls, show, set, rm)", verb);
}

int cmd_home(int argc, char **argv) {
  const char *verb = argc > 0 ? argv[0] : "", *user = argc > 1 ? argv[1] : NULL;
  if (!user || strlen(user) > 64 || strchr(user, '/')) return cli_fail("usage: cairn home add|show|set|rm USER [--quota GB] [--system cairn]");
  char path[192];
  snprintf(path, sizeof path, "/v1/users/%s", user);
  if (!strcmp(verb, "show")) {
    json_t *j = call("home show", "GET", path, NULL, NULL);
    if (!j) return 1;
    print_space(j, "userID");
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(j, "memberOf"), i, m)
      printf("  member of %s as %s\n", json_string_value(json_object_get(m, "projectID")), json_string_value(json_object_get(m, "role")));
    json_decref(j);
    return 0;
  }
  if (!strcmp(verb, "rm")) {   /* the home only: the account stays */
    snprintf(path, sizeof path, "/v1/users/%s?home=1", user);
    json_t *j = call("home rm", "DELETE", path, NULL, NULL);
    json_decref(j);
    return j ? 0 : 1;
  }
  json_t *body = json_object();
  if (options(argc - 2, argv + 2, body)) { json_decref(body); return 1; }
  if (!strcmp(verb, "add")) {
    json_object_set_new(body, "userID", json_string(user));
    json_t *st = json_object_get(body, "storage");
    if (!st) { st = json_object(); json_object_set_new(body, "storage", st); }
    if (!json_object_get(st, "system")) json_object_set_new(st, "system", json_string("cairn"));
    return submit("home add", "POST", "/v1/users", "user", body);
  }
  if (!strcmp(verb, "set")) return submit("home set", "PATCH", path, "user", body);
  json_decref(body);
  return cli_fail("unknown home command '%s' (add, show, set, rm)", verb);
}
