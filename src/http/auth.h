/* auth.h - SigV4 verification of an incoming request (header or presigned query). */
#ifndef CAIRN_AUTH_H
#define CAIRN_AUTH_H
#include "request.h"
#include "server.h"

/* 0: authenticated (r->user_key, r->role, r->payload_hash set); CAIRN_ENOENT: no credentials;
 * otherwise the error to answer (CAIRN_EAUTH, CAIRN_ESIG, CAIRN_ESKEW, CAIRN_EEXPIRED,
 * CAIRN_EINVAL). *why receives a static explanation. */
int http_auth_sigv4(req_t *r, const struct server_opts *o, const char **why);

#endif
