/* json_body.h - bounded buffering of small JSON request bodies (json_body_max) for handlers. */
#ifndef CAIRN_JSON_BODY_H
#define CAIRN_JSON_BODY_H
#include "../http/request.h"
#include <jansson.h>

/* Handler pieces: begin allocates the buffer, body appends (CAIRN_ETOOBIG past the limit). */
int json_body_begin(req_t *r);
int json_body_begin_max(req_t *r, uint64_t max);   /* for a begin that picks its own limit */
const char *json_body_raw(req_t *r, size_t *len);  /* the buffered bytes */
int json_body_append(req_t *r, const char *data, size_t n);
/* Parses the buffered body; NULL (and *err set) when it is not JSON. Caller json_decrefs. */
json_t *json_body_parse(req_t *r, const char **err);
/* Responds with a JSON value (takes the reference). */
int json_respond(req_t *r, int status, json_t *v);

#endif
