/* ds_remote.c - tag resolution, manifest and block fetching for the dataset commands. Blocks are
 * read through the signed locators the server hands out with a readable version (a bare block id
 * is for admins only), kept in one table for the whole process. */
#include "ds_remote.h"
#include "cli.h"
#include "../crypto/hash.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

int ds_parse_ref(const char *spec, int need_tag, struct ds_ref *r) {
  memset(r, 0, sizeof *r);
  const char *colon = strchr(spec, ':');
  size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
  if (!n || n >= sizeof r->name || (need_tag && (!colon || !colon[1]))) {
    cli_fail("expected NAME:TAG, got '%s'", spec);
    return 1;
  }
  memcpy(r->name, spec, n);
  if (colon) snprintf(r->tag, sizeof r->tag, "%s", colon + 1);
  return 0;
}

int ds_resolve(struct ds_ref *r) {
  if (strlen(r->tag) == 64 && strspn(r->tag, "0123456789abcdef") == 64) {
    memcpy(r->version, r->tag, 65);
    return 0;
  }
  char path[512];
  snprintf(path, sizeof path, "/v1/datasets/%s/tags/%s", r->name, r->tag);
  struct client_resp resp;
  char what[400];
  snprintf(what, sizeof what, "looking up %s:%s", r->name, r->tag);
  if (cli_call(what, "GET", path, NULL, 0, NULL, 1 << 16, &resp)) return 1;
  json_t *j = json_loadb(resp.body.s, resp.body.len, 0, NULL);
  const char *v = NULL;
  int rc = !j || json_unpack(j, "{s:s}", "version", &v) || strlen(v) != 64;
  if (!rc) memcpy(r->version, v, 65);
  json_decref(j);
  client_resp_free(&resp);
  if (rc) return cli_fail("%s: the server's answer has no version", what);
  return 0;
}

static pthread_mutex_t locators_mu = PTHREAD_MUTEX_INITIALIZER;
static json_t *locators;   /* "id+size" -> signed locator, from every manifest fetched */

/* GET .../versions/ID/locators and merge them into the table; 0 or 1 (printed). */
static int fetch_locators(const struct ds_ref *r) {
  char path[512];
  snprintf(path, sizeof path, "/v1/datasets/%s/versions/%s/locators", r->name, r->version);
  struct client_resp resp;
  if (cli_call("fetching block locators", "GET", path, NULL, 0, NULL, 256u << 20, &resp)) return 1;
  json_t *j = json_loadb(resp.body.s, resp.body.len, 0, NULL);
  client_resp_free(&resp);
  if (!json_is_object(j)) { json_decref(j); return cli_fail("the server's block locators are not a JSON object"); }
  pthread_mutex_lock(&locators_mu);
  if (!locators) locators = json_object();
  json_object_update(locators, j);
  pthread_mutex_unlock(&locators_mu);
  json_decref(j);
  return 0;
}

int ds_fetch_manifest(const struct ds_ref *r, struct ds_manifest *m) {
  char path[512];
  snprintf(path, sizeof path, "/v1/datasets/%s/versions/%s", r->name, r->version);
  struct client_resp resp;
  if (cli_call("fetching the manifest", "GET", path, NULL, 0, NULL, 256u << 20, &resp)) return 1;
  const char *why = NULL;
  int rc = dsm_parse(resp.body.s, resp.body.len, m, &why);
  char id[65] = "";
  if (!rc) {   /* the manifest must be the version it claims to be */
    char *canon = dsm_encode(m);
    dsm_id(canon, id);
    xfree(canon);
  }
  client_resp_free(&resp);
  if (rc) return cli_fail("the manifest of %s is unsafe or malformed: %s", r->version, why);
  if (strcmp(id, r->version)) { dsm_free(m); return cli_fail("the manifest does not hash to version %s", r->version); }
  if (fetch_locators(r)) { dsm_free(m); return 1; }
  return 0;
}

int ds_fetch_block(struct client *c, const char *id, uint64_t size, char *buf, char *msg, size_t cap) {
  char path[320], key[96];
  snprintf(key, sizeof key, "%s+%llu", id, (unsigned long long)size);
  pthread_mutex_lock(&locators_mu);
  const char *signed_loc = json_string_value(json_object_get(locators, key));
  snprintf(path, sizeof path, "/v1/blocks/%s", signed_loc ? signed_loc : key);
  pthread_mutex_unlock(&locators_mu);
  struct client_resp resp;
  int rc = client_do(c, "GET", path, NULL, 0, NULL, size + 1, &resp);
  if (rc) { snprintf(msg, cap, "fetching block %.16s...: %s", id, resp.error); client_resp_free(&resp); return CAIRN_EIO; }
  if (resp.status != 200) {
    char e[600];
    client_error_text(&resp, e, sizeof e);
    snprintf(msg, cap, "fetching block %.16s...: %s", id, e);
    client_resp_free(&resp);
    return CAIRN_EIO;
  }
  char got[65] = "";
  if (resp.body.len == size) sha256_hex(resp.body.s, size, got);
  if (strcmp(got, id)) {
    snprintf(msg, cap, "block %s is corrupt: the bytes received do not hash to its id", id);
    client_resp_free(&resp);
    return CAIRN_ECORRUPT;
  }
  memcpy(buf, resp.body.s, size);
  client_resp_free(&resp);
  return 0;
}
