/* routes.c - the HTTP surface of cairn in one table (first match wins), and the auth lookup the
 * server uses to verify SigV4; the helpers every handler shares (principal, transfer share, direct reads). */
#include "app.h"
#include "s3_xml.h"
#include "../service/blocks.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <string.h>
#include <strings.h>

extern const struct handler h_block_put, h_block_get, h_block_delete, h_block_untrash,
    h_block_missing, h_block_index, h_healthz, h_readyz, h_status, h_users_list, h_users_create,
    h_users_delete, h_s3, h_gc, h_tasks, h_metrics, h_mirror_redirect, h_mirror_purge, h_ping, h_buckets, h_datasets, h_fs, h_dav,
    h_projects, h_users_home, h_openapi, h_ui, h_mirror_list;

static int not_found(req_t *r) { return http_fail(r, CAIRN_ENOENT, "no such endpoint"); }
static const struct handler h_not_found = {not_found, NULL, NULL};

const struct route api_routes[] = {
  {"GET", "/healthz", AUTH_NONE, &h_healthz, NULL},
  {"GET", "/readyz", AUTH_NONE, &h_readyz, NULL},
  {"GET", "/openapi.json", AUTH_NONE, &h_openapi, NULL},
  {"GET", "/v1/status", AUTH_ADMIN, &h_status, NULL},
  {"GET", "/metrics", AUTH_USER_OR_LOCATOR, &h_metrics, NULL},   /* admins, or the metrics token */
  {"GET", "/v1/blocks", AUTH_USER, &h_block_index, NULL},
  {"POST", "/v1/blocks/missing", AUTH_USER, &h_block_missing, NULL},
  {"PUT", "/v1/blocks/", AUTH_USER, &h_block_put, NULL},
  {"GET", "/v1/blocks/", AUTH_USER_OR_LOCATOR, &h_block_get, NULL},
  {"HEAD", "/v1/blocks/", AUTH_USER_OR_LOCATOR, &h_block_get, NULL},
  {"DELETE", "/v1/blocks/", AUTH_ADMIN, &h_block_delete, NULL},
  {"POST", "/v1/blocks/", AUTH_ADMIN, &h_block_untrash, NULL},
  {"GET", "/v1/users", AUTH_ADMIN, &h_users_list, NULL},
  {"POST", "/v1/users", AUTH_ADMIN, &h_users_create, NULL},
  {"DELETE", "/v1/users/", AUTH_ADMIN, &h_users_delete, NULL},
  {"GET", "/v1/users/", AUTH_USER_OR_LOCATOR, &h_users_home, NULL},   /* the filer-gateway's: a user's spaces */
  {"PATCH", "/v1/users/", AUTH_ADMIN, &h_users_home, NULL},
  {"*", "/v1/projects", AUTH_USER_OR_LOCATOR, &h_projects, NULL},     /* reads may be anonymous (projects_anonymous_read) */
  {"*", "/v1/projects/", AUTH_USER_OR_LOCATOR, &h_projects, NULL},
  {"POST", "/v1/gc", AUTH_ADMIN, &h_gc, NULL},
  {"POST", "/v1/balance", AUTH_ADMIN, &h_gc, NULL},
  {"GET", "/v1/tasks", AUTH_USER, &h_tasks, NULL},
  {"GET", "/v1/redirect/", AUTH_NONE, &h_mirror_redirect, NULL},   /* cloud-mirror's redirect is public */
  {"DELETE", "/v1/purge/", AUTH_ADMIN, &h_mirror_purge, NULL},
  {"GET", "/v1/mirrors", AUTH_ADMIN, &h_mirror_list, NULL},
  {"GET", "/v1/ping", AUTH_USER_OR_LOCATOR, &h_ping, NULL},   /* anonymous: cloud-mirror's; signed in: "pong" */
  {"*", "/v1/tasks/", AUTH_USER, &h_tasks, NULL},
  {"*", "/v1/buckets/", AUTH_USER, &h_buckets, NULL},
  {"GET", "/v1/datasets", AUTH_USER, &h_datasets, NULL},
  {"*", "/v1/datasets/", AUTH_USER_OR_LOCATOR, &h_datasets, NULL},   /* public datasets: anonymous reads */
  {"*", "/v1/", AUTH_NONE, &h_not_found, NULL},
  {"*", "/ui", AUTH_NONE, &h_ui, NULL},      /* the web console: static files, signed in the browser */
  {"*", "/ui/", AUTH_NONE, &h_ui, NULL},
  {"*", "/fs/", AUTH_USER_OR_LOCATOR, &h_fs, NULL},
  {"*", "/dav/", AUTH_USER_OR_LOCATOR, &h_dav, NULL},   /* the rest of /v1 is not S3 */
  {"*", "/", AUTH_USER_OR_LOCATOR, &h_s3, s3_respond_error},   /* the S3 API; anonymous reads of public buckets */
};
const int api_nroutes = sizeof api_routes / sizeof api_routes[0];

int app_auth_lookup(void *app, const char *access_key, char **secret, char role[16], char name[65]) {
  return svc_user_secret(((struct app *)app)->svc, access_key, secret, role, name);
}

struct held_share { svc_t *svc; share_t *sh; };
static void share_cleanup(void *p) {
  struct held_share *h = p;
  svc_transfer_end(h->svc, h->sh);
}

char *api_direct_url(req_t *r, const char *id) {
  const char *redir = http_header(r, "X-Cairn-Redirect");
  char *url = NULL;
  if (!redir || strcasecmp(redir, "allow") || svc_block_url(((struct app *)r->app)->svc, id, &url)) return NULL;
  return url;
}

int api_direct_redirect(req_t *r, char *url) {
  http_add_header(r, "Location", url);
  http_add_header(r, "Cache-Control", "no-store");   /* the URL expires */
  xfree(url);
  return http_respond_buf(r, 307, "text/plain", "", 0);
}

int api_transfer_share(req_t *r) {
  if (r->share) return 0;
  struct app *a = r->app;
  struct principal who;
  api_principal(r, &who);
  share_t *sh;
  int rc = svc_transfer_begin(a->svc, &who, &sh);
  if (rc) return rc;
  struct held_share *h = mempool_alloc(r->pool, sizeof *h);
  *h = (struct held_share){a->svc, sh};
  mempool_on_cleanup(r->pool, share_cleanup, h);
  r->share = h;
  return 0;
}

void api_principal(req_t *r, struct principal *p) {
  p->kind = r->auth_rc ? PRINCIPAL_ANONYMOUS : !strcmp(r->role, "admin") ? PRINCIPAL_ADMIN : PRINCIPAL_USER;
  p->name = r->auth_rc ? "" : r->user_name;
  p->source_ip = http_client_ip(r);
}
