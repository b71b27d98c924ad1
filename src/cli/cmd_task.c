/* cmd_task.c - `cairn task ls|show|cancel|wait`, `cairn gc` and `cairn balance` (queue the job, wait for its
 * task, print its report). Waiting is a long poll on the gateway (GET ?wait=), with a progress
 * line on stderr when it is a terminal. */
#include "cli.h"
#include "../client/client.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static json_t *call_json(const char *what, const char *method, const char *path) {
  struct client_resp resp;
  if (cli_call(what, method, path, "", 0, NULL, 1 << 20, &resp)) return NULL;
  json_t *j = json_loads(resp.body.s ? resp.body.s : "", 0, NULL);
  client_resp_free(&resp);
  if (!j) cli_fail("%s: the gateway answered something that is not JSON", what);
  return j;
}

static int task_ended(const json_t *t) {
  const char *st = json_string_value(json_object_get(t, "state"));
  return st && (!strcmp(st, "succeeded") || !strcmp(st, "failed") || !strcmp(st, "canceled"));
}

static int valid_id(const char *id) { return *id && strlen(id) <= 32 && strspn(id, "0123456789abcdef") == strlen(id); }

/* Long-polls until the task ends; returns it (new reference) or NULL. */
static json_t *wait_task(const char *id, int progress) {
  char path[96];
  snprintf(path, sizeof path, "/v1/tasks/%s?wait=20", id);
  for (;;) {
    json_t *t = call_json("task", "GET", path);
    if (!t || task_ended(t)) {
      if (progress) fputs("\r\033[K", stderr);
      return t;
    }
    if (progress) {
      json_t *p = json_object_get(t, "progress");
      fprintf(stderr, "\r\033[K%s %s: %s %lld/%lld", json_string_value(json_object_get(t, "kind")), id,
              json_string_value(json_object_get(p, "message")), (long long)json_integer_value(json_object_get(p, "done")),
              (long long)json_integer_value(json_object_get(p, "total")));
    }
    json_decref(t);
  }
}

/* The end of a task as the exit status: its result on stdout when it succeeded, else one line. */
static int report(json_t *t, int print_result) {
  if (!t) return 1;
  const char *st = json_string_value(json_object_get(t, "state"));
  int rc = 0;
  if (!strcmp(st, "succeeded")) {
    if (print_result) {
      char *s = json_dumps(json_object_get(t, "result"), JSON_COMPACT);
      puts(s ? s : "null");
      free(s);
    }
  } else {
    json_t *e = json_object_get(t, "error");
    const char *why = json_string_value(json_object_get(e, "reason")), *detail = json_string_value(json_object_get(e, "detail"));
    rc = cli_fail("task %s %s%s%s%s%s", json_string_value(json_object_get(t, "id")), st, why ? ": " : "",
                  why ? why : "", detail ? ": " : "", detail ? detail : "");
  }
  json_decref(t);
  return rc;
}

static void print_row(const json_t *t) {
  const json_t *p = json_object_get(t, "progress");
  printf("%-32s %-10s %-10s %-24s %lld/%lld %s\n", json_string_value(json_object_get(t, "id")),
         json_string_value(json_object_get(t, "kind")), json_string_value(json_object_get(t, "state")),
         json_string_value(json_object_get(t, "created")), (long long)json_integer_value(json_object_get(p, "done")),
         (long long)json_integer_value(json_object_get(p, "total")), json_string_value(json_object_get(p, "message")));
}

static int task_ls(int argc, char **argv) {
  const char *state = NULL, *kind = NULL;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--state") && i + 1 < argc) state = argv[++i];
    else if (!strcmp(argv[i], "--kind") && i + 1 < argc) kind = argv[++i];
    else return cli_fail("usage: cairn task ls [--state STATE] [--kind KIND]");
  }
  const char *word = "abcdefghijklmnopqrstuvwxyz_-";
  if ((state && strspn(state, word) != strlen(state)) || (kind && strspn(kind, word) != strlen(kind)))
    return cli_fail("a state or kind is a lowercase word");
  char path[256], after[40] = "";
  for (;;) {
    snprintf(path, sizeof path, "/v1/tasks?limit=500%s%.32s%s%.32s%s%s", state ? "&state=" : "", state ? state : "",
             kind ? "&kind=" : "", kind ? kind : "", *after ? "&after=" : "", after);
    json_t *j = call_json("task ls", "GET", path);
    if (!j) return 1;
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(j, "tasks"), i, t) print_row(t);
    const char *next = json_string_value(json_object_get(j, "next"));
    if (next) snprintf(after, sizeof after, "%s", next);
    json_decref(j);
    if (!next) return 0;
  }
}

int cmd_task(int argc, char **argv) {
  const char *usage = "usage: cairn task ls [--state S] [--kind K] | show ID | cancel ID | wait ID";
  if (argc < 1) return cli_fail("%s", usage);
  if (!strcmp(argv[0], "ls")) return task_ls(argc - 1, argv + 1);
  if (argc != 2) return cli_fail("%s", usage);
  if (!valid_id(argv[1])) return cli_fail("'%s' is not a task id", argv[1]);
  char path[96];
  json_t *t;
  if (!strcmp(argv[0], "show")) {
    snprintf(path, sizeof path, "/v1/tasks/%s", argv[1]);
    t = call_json("task show", "GET", path);
  } else if (!strcmp(argv[0], "cancel")) {
    snprintf(path, sizeof path, "/v1/tasks/%s/cancel", argv[1]);
    t = call_json("task cancel", "POST", path);
  } else if (!strcmp(argv[0], "wait")) {
    return report(wait_task(argv[1], isatty(2)), 1);
  } else {
    return cli_fail("%s", usage);
  }
  if (!t) return 1;
  char *s = json_dumps(t, JSON_INDENT(2));
  puts(s);
  free(s);
  json_decref(t);
  return 0;
}

/* `cairn gc` and `cairn balance`: queue the job (POST path), wait for its task, print its report. */
static int run_job(const char *name, const char *path, int argc) {
  if (argc) return cli_fail("usage: cairn %s", name);
  json_t *t = call_json(name, "POST", path);
  if (!t) return 1;
  char id[40];
  snprintf(id, sizeof id, "%s", json_string_value(json_object_get(t, "id")));
  json_decref(t);
  return report(wait_task(id, isatty(2)), 1);
}

int cmd_balance(int argc, char **argv) { (void)argv; return run_job("balance", "/v1/balance", argc); }
int cmd_gc(int argc, char **argv) { (void)argv; return run_job("gc", "/v1/gc", argc); }
