/* cors.h - a bucket's CORS configuration (S3 CORSConfiguration): parsing and rendering the XML,
 * and the decision for a browser's preflight (OPTIONS) or actual request. Pure: no I/O. */
#ifndef CAIRN_CORS_H
#define CAIRN_CORS_H
#include <stddef.h>

/* CORSConfiguration XML -> rules JSON (heap). CAIRN_EMALFORMEDXML, or CAIRN_EINVALIDREQUEST with
 * *why (a method S3 does not allow, two '*' in one origin or header, no origin or method, over 100
 * rules, a bad MaxAgeSeconds). */
int cors_parse(const char *xml, size_t len, char **rules, const char **why);
char *cors_to_xml(const char *rules);   /* heap */

/* What a matching rule lets the response say (each a heap string, or NULL). */
struct cors_answer {
  char *allow_origin;    /* "*" or the request's Origin */
  char *allow_methods;   /* "GET, PUT" */
  char *allow_headers;   /* the requested headers, as asked (preflight) */
  char *expose_headers;
  long max_age;          /* -1: none */
  int credentials;       /* Access-Control-Allow-Credentials: true (an origin, not "*") */
};
/* 1 with *out filled when a rule allows origin to use method (and, for a preflight, every header
 * in request_headers, a comma list or NULL); else 0. cors_answer_free after. */
int cors_match(const char *rules, const char *origin, const char *method, const char *request_headers,
               struct cors_answer *out);
void cors_answer_free(struct cors_answer *a);

#endif
