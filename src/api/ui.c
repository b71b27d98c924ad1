/* ui.c - GET /ui/...: the web console (ui/, built into ui/dist by `make ui`), served from the
 * blob embedded in the binary at build time, and the redirect of a browser opening "/" to it.
 * The console is static files: every request it makes to the API is SigV4-signed in the browser,
 * so these routes need no credentials and hold no secrets. */
#include "app.h"
#include "mime.h"
#include "ui_pack.h"
#include "../util/err.h"
#include <string.h>

__asm__(".section .rodata\n"
        ".global api_ui_pack, api_ui_pack_end\n"
        ".balign 16\n"
        "api_ui_pack:\n"
        ".incbin \"build/ui.pack\"\n"
        "api_ui_pack_end:\n"
        ".previous\n");
extern const char api_ui_pack[], api_ui_pack_end[];

/* The console's pages may only load what cairn itself serves (scripts, styles, the API). */
#define UI_CSP "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; " \
               "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

static int ui(req_t *r) {
  if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD"))
    return http_fail(r, CAIRN_EMETHOD, "the console's files are read-only");
  if (!strcmp(r->path, "/ui")) {
    http_add_header(r, "Location", "/ui/");
    return http_respond_buf(r, 301, "text/plain", "", 0);
  }
  const char *path = *r->tail ? r->tail : "index.html";
  struct ui_file f;
  if (ui_pack_find(api_ui_pack, (size_t)(api_ui_pack_end - api_ui_pack), path, &f))
    return http_fail(r, CAIRN_ENOENT, "no such file in the console");
  /* Vite names built assets by their content: they never change; the page itself always may. */
  int hashed = !strncmp(path, "assets/", 7);
  http_add_header(r, "Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
  http_add_header(r, "Content-Security-Policy", UI_CSP);
  http_add_header(r, "X-Content-Type-Options", "nosniff");
  http_add_header(r, "X-Frame-Options", "DENY");
  http_add_header(r, "Referrer-Policy", "no-referrer");   /* presigned URLs never leak in a Referer */
  return http_respond_buf(r, 200, mime_type(path), f.data, f.size);
}

int api_ui_redirect(req_t *r) {
  const char *acc = http_header(r, "Accept");
  if (strcmp(r->method, "GET") || strcmp(r->path, "/") || *r->raw_query || r->auth_rc != CAIRN_ENOENT ||
      !acc || !strstr(acc, "text/html"))
    return -1;
  http_add_header(r, "Location", "/ui/");
  http_add_header(r, "Cache-Control", "no-store");
  return http_respond_buf(r, 302, "text/plain", "", 0);
}

const struct handler h_ui = {ui, NULL, NULL};
