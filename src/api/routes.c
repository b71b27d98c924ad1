/* routes.c - the HTTP surface of cairn in one table (first match wins), and the auth lookup the
 * server uses to verify SigV4. */
#include "app.h"
#include "../service/users.h"

extern const struct handler h_block_put, h_block_get, h_block_delete, h_block_untrash,
    h_block_missing, h_block_index, h_healthz, h_readyz, h_status, h_users_list, h_users_create,
    h_users_delete;

const struct route api_routes[] = {
  {"GET", "/healthz", AUTH_NONE, &h_healthz},
  {"GET", "/readyz", AUTH_NONE, &h_readyz},
  {"GET", "/v1/status", AUTH_ADMIN, &h_status},
  {"GET", "/v1/blocks", AUTH_USER, &h_block_index},
  {"POST", "/v1/blocks/missing", AUTH_USER, &h_block_missing},
  {"PUT", "/v1/blocks/", AUTH_USER, &h_block_put},
  {"GET", "/v1/blocks/", AUTH_USER_OR_LOCATOR, &h_block_get},
  {"HEAD", "/v1/blocks/", AUTH_USER_OR_LOCATOR, &h_block_get},
  {"DELETE", "/v1/blocks/", AUTH_ADMIN, &h_block_delete},
  {"POST", "/v1/blocks/", AUTH_ADMIN, &h_block_untrash},
  {"GET", "/v1/users", AUTH_ADMIN, &h_users_list},
  {"POST", "/v1/users", AUTH_ADMIN, &h_users_create},
  {"DELETE", "/v1/users/", AUTH_ADMIN, &h_users_delete},
};
const int api_nroutes = sizeof api_routes / sizeof api_routes[0];

int app_auth_lookup(void *app, const char *access_key, char **secret, char role[16]) {
  struct app *a = app;
  return users_secret(a->meta, &a->keys, access_key, secret, role);
}
