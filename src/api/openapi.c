/* openapi.c - GET /openapi.json: the OpenAPI 3.1 document of cairn's /v1 API, the cloud-mirror and
 * filer-gateway routes (src/api/openapi.json, embedded in the binary at build time; a unit test
 * holds it and the route table to each other). */
#include "app.h"
#include <string.h>

/* The document, NUL-terminated, from the assembler's .incbin (no runtime file). */
__asm__(".section .rodata\n"
        ".global api_openapi_json\n"
        ".type api_openapi_json, @object\n"
        ".balign 16\n"
        "api_openapi_json:\n"
        ".incbin \"src/api/openapi.json\"\n"
        ".byte 0\n"
        ".previous\n");
extern const char api_openapi_json[];

static int openapi(req_t *r) {
  http_add_header(r, "Cache-Control", "max-age=300");
  return http_respond_buf(r, 200, "application/json", api_openapi_json, strlen(api_openapi_json));
}

const struct handler h_openapi = {openapi, NULL, NULL};
