/* users.c - /v1/users (admin): list (accounts with their spaces), create (answers the new keys
 * once; a filer-gateway body with a userID provisions a home instead: projects.c), delete (the
 * home first, refused while it holds data, then the account; with ?home only the home). */
#include "app.h"
#include "json_body.h"
#include "../service/admin.h"
#include "../service/spaces.h"
#include "../util/err.h"
#include <jansson.h>
#include <string.h>

struct ulist { svc_t *svc; const struct principal *who; json_t *arr; };

static int add_json(void *ctx, const struct meta_user *u) {
  struct ulist *l = ctx;
  json_t *j = NULL;
  if (svc_space_user(l->svc, l->who, u->name, &j)) j = json_object();   /* userID, memberOf, storage */
  json_t *acct = json_pack("{s:s,s:s,s:s,s:b,s:I}", "name", u->name, "access_key", u->access_key, "role", u->role,
                           "enabled", u->enabled, "created_ms", (json_int_t)u->created_ms);
  json_object_update(j, acct);
  json_decref(acct);
  json_array_append_new(l->arr, j);
  return 0;
}

static int list(req_t *r) {
  struct app *a = r->app;
  struct principal who;
  api_principal(r, &who);
  struct ulist l = {a->svc, &who, json_array()};
  int rc = svc_user_list(a->svc, &who, add_json, &l);
  if (rc) { json_decref(l.arr); return rc; }
  return json_respond(r, 200, json_pack("{s:o}", "users", l.arr));
}

static int create_end(req_t *r) {
  struct app *a = r->app;
  const char *err = NULL, *name = NULL, *role = "user";
  json_t *in = json_body_parse(r, &err);
  if (!in) return http_fail(r, CAIRN_EINVAL, err);
  if (json_object_get(in, "userID")) {   /* the filer-gateway: a home for the user */
    int rc = api_home_post(r, in);
    json_decref(in);
    return rc;
  }
  if (json_unpack(in, "{s:s,s?s}", "name", &name, "role", &role)) {
    json_decref(in);
    return http_fail(r, CAIRN_EINVAL, "body must be {\"name\": ..., \"role\": \"user\"|\"admin\"}");
  }
  struct user_keys k;
  struct principal who;
  api_principal(r, &who);
  int rc = svc_user_create(a->svc, &who, name, role, &k);
  json_t *out = rc ? NULL : json_pack("{s:s,s:s,s:s,s:s}", "name", name, "role", role,
                                      "access_key", k.access_key, "secret_key", k.secret);
  json_decref(in);
  if (rc == CAIRN_EINVAL) return http_fail(r, rc, "invalid user name or role");
  if (rc == CAIRN_EEXIST) return http_fail(r, rc, "a user with that name exists, or the name still owns buckets or datasets");
  if (rc) return rc;
  memset(&k, 0, sizeof k);
  return json_respond(r, 201, out);
}

static int remove_user(req_t *r) {
  struct app *a = r->app;
  struct principal who;
  api_principal(r, &who);
  int rc = svc_space_delete(a->svc, &who, SPACE_HOME, r->tail);
  if (rc == CAIRN_ECONFLICT) return api_fg_fail(r, CAIRN_EAUTH, "the user's home is not empty");
  if (rc && rc != CAIRN_ENOENT) return http_fail(r, rc, NULL);
  int home_gone = !rc;
  if (http_query(r, "home")) {   /* ?home: the home only, the account stays (cairn home rm) */
    if (!home_gone) return http_fail(r, CAIRN_ENOENT, "no home");
    return json_respond(r, 200, json_pack("{s:s,s:b}", "name", r->tail, "home_deleted", 1));
  }
  rc = svc_user_delete(a->svc, &who, r->tail);
  if (rc == CAIRN_ENOENT && home_gone) rc = 0;   /* a home of a user with no cairn account: done */
  if (rc) return http_fail(r, rc, rc == CAIRN_ENOENT ? "no such user" : NULL);
  return json_respond(r, 200, json_pack("{s:s,s:b}", "name", r->tail, "deleted", 1));
}

const struct handler h_users_list = {list, NULL, NULL};
const struct handler h_users_create = {json_body_begin, json_body_append, create_end};
const struct handler h_users_delete = {remove_user, NULL, NULL};
