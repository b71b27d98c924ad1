/* test_openapi.c - the OpenAPI document (src/api/openapi.json, embedded) and the route table
 * (api/routes.c) held to each other: every /v1 route and the server's own routes are described,
 * and every described path and method reaches a real route (not the /v1 catch-all, not S3). */
#include "test.h"
#include "http/server.h"
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

extern const struct route api_routes[];
extern const int api_nroutes;
extern const char api_openapi_json[];

static const char *methods[] = {"get", "put", "post", "delete", "patch", "head"};

/* The route a request would take (the server's first-match rule), or NULL. */
static const struct route *route_for(const char *method, const char *path) {
  for (int i = 0; i < api_nroutes; i++) {
    const struct route *rt = &api_routes[i];
    size_t n = strlen(rt->path);
    int prefix = rt->path[n - 1] == '/';
    if (prefix ? strncmp(path, rt->path, n) : strcmp(path, rt->path)) continue;
    if (strcmp(rt->method, "*") && strcasecmp(rt->method, method)) continue;
    return rt;
  }
  return NULL;
}

/* A concrete path for a templated one: {name} becomes "x1". */
static void sample(const char *tpl, char *out, size_t cap) {
  size_t o = 0;
  for (const char *p = tpl; *p && o + 3 < cap; p++) {
    if (*p == '{') { const char *e = strchr(p, '}'); if (!e) break; out[o++] = 'x'; out[o++] = '1'; p = e; }
    else out[o++] = *p;
  }
  out[o] = 0;
}

static void document_and_routes(void) {
  json_error_t e;
  json_t *doc = json_loads(api_openapi_json, 0, &e);
  ASSERT(doc);
  ASSERT_STREQ(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
  json_t *paths = json_object_get(doc, "paths");
  ASSERT(json_object_size(paths) > 20);
  /* every described operation reaches a handler of its own */
  const char *k;
  json_t *item;
  json_object_foreach(paths, k, item) {
    char concrete[256];
    sample(k, concrete, sizeof concrete);
    for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
      if (!json_object_get(item, methods[m])) continue;
      const struct route *rt = route_for(methods[m], concrete);
      if (!rt || !strcmp(rt->path, "/v1/") || !strcmp(rt->path, "/")) {
        fprintf(stderr, "  %s %s is documented but reaches no route\n", methods[m], k);
        ASSERT(0);
      }
    }
  }
  /* every route of cairn's own API is described */
  for (int i = 0; i < api_nroutes; i++) {
    const struct route *rt = &api_routes[i];
    if (!strcmp(rt->path, "/") || !strcmp(rt->path, "/v1/") || !strcmp(rt->path, "/fs/") || !strcmp(rt->path, "/dav/")) continue;
    size_t n = strlen(rt->path);
    int prefix = rt->path[n - 1] == '/', found = 0;
    json_object_foreach(paths, k, item) {
      if (prefix ? strncmp(k, rt->path, n) : strcmp(k, rt->path)) continue;
      for (size_t m = 0; m < sizeof methods / sizeof methods[0] && !found; m++)
        if (json_object_get(item, methods[m]) && (!strcmp(rt->method, "*") || !strcasecmp(rt->method, methods[m]))) found = 1;
    }
    if (!found) fprintf(stderr, "  route %s %s is missing from openapi.json\n", rt->method, rt->path);
    ASSERT(found);
  }
  json_decref(doc);
}

void suite_openapi(void) { RUN(document_and_routes); }
