/* app.h - what every API handler reaches through req->app: configuration, the block store,
 * metadata and keys. Built by cli/cmd_serve.c; handlers treat it as read-only. */
#ifndef CAIRN_APP_H
#define CAIRN_APP_H
#include "../config/config.h"
#include "../http/server.h"
#include "../meta/meta.h"
#include "../service/keyring.h"
#include "../store/store.h"

struct app {
  const struct config *cfg;
  store_t *store;
  meta_t *meta;
  struct keyring keys;
};

/* The full route table (api/routes.c). */
extern const struct route api_routes[];
extern const int api_nroutes;

/* auth_lookup_fn over service/users */
int app_auth_lookup(void *app, const char *access_key, char **secret, char role[16]);

#endif
