/* form.h - a multipart/form-data request body (an HTML form's POST), streamed: small fields are
 * handed over whole, a file field piece by piece, so memory stays bounded (max_field a field, 256
 * KiB for all of them) whatever the file's size. Over libmicrohttpd's post processor. */
#ifndef CAIRN_FORM_H
#define CAIRN_FORM_H
#include "request.h"
#include <stddef.h>

struct form_cb {
  /* a complete field that is not a file (value is NUL-terminated; len excludes the NUL) */
  int (*field)(void *ctx, const char *name, const char *value, size_t len);
  /* a file field begins; everything after it arrives through file_data */
  int (*file_start)(void *ctx, const char *name, const char *filename, const char *content_type);
  int (*file_data)(void *ctx, const char *data, size_t n);
  void *ctx;
};

typedef struct form form_t;
/* NULL when the request's Content-Type is not multipart/form-data with a boundary. The form lives
 * in r's pool and is released with it. Each callback returns 0 or a CAIRN_E* that stops the form. */
form_t *http_form_begin(req_t *r, const struct form_cb *cb, size_t max_field, unsigned max_fields);
int http_form_feed(form_t *f, const char *data, size_t n);   /* 0, a callback's error, or CAIRN_EINVAL */
int http_form_end(form_t *f);   /* 0 when the body was a complete form (the last field handed over) */

#endif
