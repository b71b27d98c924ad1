/* projects.c - the filer-gateway's API, served natively: /v1/projects (list, create, get, patch),
 * the home side of /v1/users (create, patch, delete, get), /v1/tasks/<project|user>/<id> and
 * /v1/ping. Clients authenticate with HTTP Basic (access key, secret) or SigV4, plus X-API-Key
 * when `api_key` is set. Errors are the gateway's JSON: {"errorMessage"} (500: with "exitCode").
 * Rules live in service/spaces.c. */
#include "app.h"
#include "json_body.h"
#include "../crypto/hash.h"
#include "../service/spaces.h"
#include "../util/err.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int api_fg_fail(req_t *r, int rc, const char *why) {
  int status = cairn_errstatus(rc);
  if (status == 401) status = 403;
  const char *msg = why ? why : cairn_strerror(rc);
  json_t *e = status >= 500 ? json_pack("{s:i,s:s}", "exitCode", 1, "errorMessage", msg) : json_pack("{s:s}", "errorMessage", msg);
  return json_respond(r, status, e);
}

/* X-API-Key, when the server has one, from Basic-authenticated and anonymous callers (a SigV4
 * signature, as cairn's own CLI sends, already proves more). */
static int key_ok(req_t *r) {
  const char *want = ((struct app *)r->app)->cfg->api_key, *got = http_header(r, "X-API-Key");
  const char *authz = http_header(r, "Authorization");
  if (!want || !*want) return 1;
  if (!r->auth_rc && !(authz && !strncasecmp(authz, "Basic ", 6))) return 1;
  return got && strlen(got) == strlen(want) && crypto_memeq(got, want, strlen(want));
}

static int task_answer(req_t *r, const char *kind, const char *id) {
  struct app *a = r->app;
  struct principal who;
  api_principal(r, &who);
  json_t *t = NULL;
  int rc = svc_space_task(a->svc, &who, kind, id, &t);
  return rc ? api_fg_fail(r, rc, NULL) : json_respond(r, 200, t);
}

/* POST / PATCH: the body becomes a task; 200 with the task, 204 when nothing changes. */
static int submit(req_t *r, const char *kind, const char *id, int create, json_t *body) {
  struct app *a = r->app;
  struct principal who;
  api_principal(r, &who);
  char tid[33];
  const char *why = NULL;
  int rc = svc_space_submit(a->svc, &who, kind, id, create, body, tid, &why);
  if (rc == CAIRN_ENOENT && !why) return http_respond_buf(r, 204, NULL, "", 0);
  if (rc) return api_fg_fail(r, rc == CAIRN_EEXIST ? CAIRN_EINVAL : rc, why);
  return task_answer(r, kind, tid);
}

static int id_ok(const char *id) { return *id && strlen(id) <= 64 && !strchr(id, '/'); }

static int projects_end(req_t *r) {
  struct app *a = r->app;
  if (!key_ok(r)) return api_fg_fail(r, CAIRN_EAUTH, "a valid X-API-Key is required");
  struct principal who;
  api_principal(r, &who);
  const char *id = r->tail ? r->tail : "";
  json_t *out = NULL;
  int rc;
  if (!strcmp(r->method, "GET") && !*id) {
    rc = svc_space_list(a->svc, &who, SPACE_PROJECT, &out);
    return rc ? api_fg_fail(r, rc, NULL) : json_respond(r, 200, out);
  }
  size_t il = strlen(id);
  if (!strcmp(r->method, "GET") && il > 6 && !strcmp(id + il - 6, "/usage")) {   /* its usage over time */
    char pid[65];
    if (il - 6 >= sizeof pid) return api_fg_fail(r, CAIRN_EINVAL, "invalid project id");
    memcpy(pid, id, il - 6);
    pid[il - 6] = 0;
    const char *since = http_query(r, "since");
    rc = id_ok(pid) ? svc_space_usage_history(a->svc, &who, SPACE_PROJECT, pid, since ? atoll(since) : 0, &out) : CAIRN_EINVAL;
    return rc ? api_fg_fail(r, rc, rc == CAIRN_ENOENT ? "project not found" : NULL) : json_respond(r, 200, out);
  }
  if (!strcmp(r->method, "GET")) {
    if (!id_ok(id)) return api_fg_fail(r, CAIRN_EINVAL, "invalid project id");
    rc = svc_space_get(a->svc, &who, SPACE_PROJECT, id, &out);
    return rc ? api_fg_fail(r, rc, rc == CAIRN_ENOENT ? "project not found" : NULL) : json_respond(r, 200, out);
  }
  if (!strcmp(r->method, "DELETE") && *id) {   /* cairn's: an empty project goes */
    rc = id_ok(id) ? svc_space_delete(a->svc, &who, SPACE_PROJECT, id) : CAIRN_EINVAL;
    return rc == CAIRN_ECONFLICT ? api_fg_fail(r, CAIRN_EAUTH, "the project is not empty")
         : rc ? api_fg_fail(r, rc, rc == CAIRN_ENOENT ? "project not found" : NULL) : http_respond_buf(r, 204, NULL, "", 0);
  }
  const char *err = NULL;
  json_t *body = json_body_parse(r, &err);
  if (!json_is_object(body)) { json_decref(body); return api_fg_fail(r, CAIRN_EINVAL, err ? err : "the body must be a JSON object"); }
  if (!strcmp(r->method, "POST") && !*id) {
    const char *pid = json_string_value(json_object_get(body, "projectID"));
    rc = pid && id_ok(pid) ? submit(r, SPACE_PROJECT, pid, 1, body) : api_fg_fail(r, CAIRN_EINVAL, "projectID is required");
  } else if (!strcmp(r->method, "PATCH") && *id) {
    rc = id_ok(id) ? submit(r, SPACE_PROJECT, id, 0, body) : api_fg_fail(r, CAIRN_EINVAL, "invalid project id");
  } else {
    rc = api_fg_fail(r, CAIRN_EMETHOD, NULL);
  }
  json_decref(body);
  return rc;
}

/* /v1/users/<id> for homes: GET (the user's spaces), PATCH (home quota). The account side of
 * /v1/users stays in users.c, which hands over bodies with a userID. */
int api_home_post(req_t *r, struct json_t *body) {
  if (!key_ok(r)) return api_fg_fail(r, CAIRN_EAUTH, "a valid X-API-Key is required");
  const char *uid = json_string_value(json_object_get(body, "userID"));
  return uid && id_ok(uid) ? submit(r, SPACE_HOME, uid, 1, body) : api_fg_fail(r, CAIRN_EINVAL, "userID is required");
}

static int users_id_end(req_t *r) {
  struct app *a = r->app;
  if (!key_ok(r)) return api_fg_fail(r, CAIRN_EAUTH, "a valid X-API-Key is required");
  struct principal who;
  api_principal(r, &who);
  const char *id = r->tail ? r->tail : "";
  if (!id_ok(id)) return api_fg_fail(r, CAIRN_EINVAL, "invalid user id");
  if (!strcmp(r->method, "GET")) {
    json_t *out = NULL;
    int rc = svc_space_user(a->svc, &who, id, &out);
    return rc ? api_fg_fail(r, rc, NULL) : json_respond(r, 200, out);
  }
  if (!strcmp(r->method, "PATCH")) {
    const char *err = NULL;
    json_t *body = json_body_parse(r, &err);
    if (!json_is_object(body)) { json_decref(body); return api_fg_fail(r, CAIRN_EINVAL, err ? err : "the body must be a JSON object"); }
    int rc = json_object_get(body, "storage") ? submit(r, SPACE_HOME, id, 0, body) : http_respond_buf(r, 204, NULL, "", 0);
    json_decref(body);
    return rc;
  }
  return api_fg_fail(r, CAIRN_EMETHOD, NULL);
}

int api_space_task(req_t *r, const char *tail) {
  if (!key_ok(r)) return api_fg_fail(r, CAIRN_EAUTH, "a valid X-API-Key is required");
  const char *kind = !strncmp(tail, "project/", 8) ? SPACE_PROJECT : SPACE_HOME;
  const char *id = strchr(tail, '/') + 1;
  struct app *a = r->app;
  struct principal who;
  api_principal(r, &who);
  json_t *t = NULL;
  int rc = svc_space_task(a->svc, &who, kind, id, &t);
  if (rc == CAIRN_ENOENT) return http_respond_buf(r, 404, NULL, "", 0);   /* the gateway: no body */
  return rc ? api_fg_fail(r, rc, NULL) : json_respond(r, 200, t);
}

const struct handler h_projects = {json_body_begin, json_body_append, projects_end};
const struct handler h_users_home = {json_body_begin, json_body_append, users_id_end};
