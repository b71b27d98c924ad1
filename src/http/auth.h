/* auth.h - signature verification of an incoming request: SigV4 (header or presigned query) and
 * SigV2 (header or presigned query, auth_sigv2.c). */
#ifndef CAIRN_AUTH_H
#define CAIRN_AUTH_H
#include "request.h"
#include "server.h"

/* 0: authenticated (either version) (r->user_key, r->role, r->payload_hash set); CAIRN_ENOENT: no credentials;
 * otherwise the error to answer (CAIRN_EAUTH, CAIRN_ESIG, CAIRN_ESKEW, CAIRN_EEXPIRED,
 * CAIRN_EINVAL). *why receives a static explanation. */
int http_auth_sigv4(req_t *r, const struct server_opts *o, const char **why);
/* The SigV2 half, called by http_auth_sigv4 when the request carries a V2 signature. */
struct sigv2_auth;
int http_auth_sigv2(req_t *r, const struct server_opts *o, const struct sigv2_auth *a, const char **why);

#endif
