/* app.h - what every API handler reaches through req->app: the settings and the service layer.
 * Handlers parse a request, make one typed svc_* call with the caller's identity (api_principal)
 * and write the answer; they include no meta/, store/ or volume/ header. */
#ifndef CAIRN_APP_H
#define CAIRN_APP_H
#include "../config/config.h"
#include "../http/server.h"
#include "../service/svc.h"

struct app {
  const struct config *cfg;
  svc_t *svc;
};

/* The full route table (api/routes.c). */
extern const struct route api_routes[];
extern const int api_nroutes;

/* "/" opened by a browser (anonymous GET, Accept: text/html, no query): answers a redirect to the
 * console at /ui/ and returns 0; -1 for every other request (S3 clients are unaffected). */
int api_ui_redirect(req_t *r);
/* auth_lookup_fn over the service layer */
int app_auth_lookup(void *app, const char *access_key, char **secret, char role[16], char name[65]);
/* Who sent r: admin, user (its name) or anonymous, and from which address. */
void api_principal(req_t *r, struct principal *p);
/* Before a transfer takes pool buffers: the caller's share (held until the request ends), or
 * CAIRN_EBUSY to park and retry. Idempotent within a request. */
int api_transfer_share(req_t *r);
/* Direct reads: the store's URL for block id when the client asked for one (X-Cairn-Redirect:
 * allow) and the store has such URLs (heap), else NULL (serve it through the gateway); then the
 * 307 to it (frees url). */
char *api_direct_url(req_t *r, const char *id);
int api_direct_redirect(req_t *r, char *url);

/* projects.c: the filer-gateway's error answer; a home from POST /v1/users {"userID", ...};
 * GET /v1/tasks/<project|user>/<id> (tail without /v1/tasks/). */
int api_fg_fail(req_t *r, int rc, const char *why);
struct json_t;
int api_home_post(req_t *r, struct json_t *body);
int api_space_task(req_t *r, const char *tail);

#endif
