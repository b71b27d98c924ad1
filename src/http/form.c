/* form.c - streamed multipart/form-data bodies (form.h). */
#include "form.h"
#include "../util/err.h"
#include "../util/sbuf.h"
#include <microhttpd.h>
#include <string.h>
#include <strings.h>

#define FORM_MAX_TOTAL (256 * 1024)   /* all the fields but the file together: memory per request stays small */

struct form {
  struct MHD_PostProcessor *pp;
  size_t total;
  struct form_cb cb;
  size_t max_field;
  unsigned max_fields, nfields;
  sbuf_t name, value;       /* the field being read (not a file) */
  int in_field, in_file, rc, ended;
};

static int flush_field(struct form *f) {
  if (!f->in_field) return 0;
  f->in_field = 0;
  sbuf_addc(&f->value, 0);   /* NUL-terminated; len counts it */
  int rc = f->cb.field(f->cb.ctx, f->name.s ? f->name.s : "", f->value.s, f->value.len - 1);
  f->name.len = f->value.len = 0;
  return rc;
}

static enum MHD_Result iter(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
                            const char *content_type, const char *transfer_encoding, const char *data,
                            uint64_t off, size_t size) {
  (void)kind; (void)transfer_encoding;
  struct form *f = cls;
  if (f->rc) return MHD_NO;
  if (f->in_file) {   /* nothing may follow the file (S3: "file" is the last field) */
    if (off == 0 && !filename) { f->rc = CAIRN_EINVAL; return MHD_NO; }
    if (size && (f->rc = f->cb.file_data(f->cb.ctx, data, size))) return MHD_NO;
    return MHD_YES;
  }
  if (off == 0) {   /* a new field */
    if ((f->rc = flush_field(f))) return MHD_NO;
    if (++f->nfields > f->max_fields) { f->rc = CAIRN_EINVAL; return MHD_NO; }
    if (filename) {
      f->in_file = 1;
      if ((f->rc = f->cb.file_start(f->cb.ctx, key ? key : "", filename, content_type))) return MHD_NO;
      if (size && (f->rc = f->cb.file_data(f->cb.ctx, data, size))) return MHD_NO;
      return MHD_YES;
    }
    f->in_field = 1;
    f->name.len = f->value.len = 0;
    sbuf_adds(&f->name, key ? key : "");
  }
  if (f->value.len + size > f->max_field || (f->total += size) > FORM_MAX_TOTAL) { f->rc = CAIRN_ETOOBIG; return MHD_NO; }
  if (size) sbuf_add(&f->value, data, size);
  return MHD_YES;
}

static void form_cleanup(void *p) {
  struct form *f = p;
  if (f->pp) MHD_destroy_post_processor(f->pp);
  sbuf_free(&f->name);
  sbuf_free(&f->value);
}

form_t *http_form_begin(req_t *r, const struct form_cb *cb, size_t max_field, unsigned max_fields) {
  const char *ct = http_header(r, "Content-Type");
  if (!ct || strncasecmp(ct, "multipart/form-data", 19) || !strstr(ct, "boundary=")) return NULL;
  struct form *f = mempool_alloc(r->pool, sizeof *f);
  memset(f, 0, sizeof *f);
  f->cb = *cb;
  f->max_field = max_field;
  f->max_fields = max_fields;
  f->pp = MHD_create_post_processor(r->conn, 64 * 1024, iter, f);
  if (!f->pp) return NULL;
  mempool_on_cleanup(r->pool, form_cleanup, f);
  return f;
}

int http_form_feed(form_t *f, const char *data, size_t n) {
  if (f->rc) return f->rc;
  if (MHD_post_process(f->pp, data, n) != MHD_YES && !f->rc) f->rc = CAIRN_EINVAL;
  return f->rc;
}

int http_form_end(form_t *f) {
  if (f->rc) return f->rc;
  enum MHD_Result ok = MHD_destroy_post_processor(f->pp);
  f->pp = NULL;
  if (f->rc) return f->rc;
  if (ok != MHD_YES) return f->rc = CAIRN_EINVAL;
  return f->rc = flush_field(f);
}
