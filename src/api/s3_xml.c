/* s3_xml.c - S3 XML documents: escaping, sending, and the S3 error document. */
#include "s3_xml.h"
#include "../util/err.h"
#include <string.h>

void xml_text(sbuf_t *b, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '&': sbuf_adds(b, "&amp;"); break;
    case '<': sbuf_adds(b, "&lt;"); break;
    case '>': sbuf_adds(b, "&gt;"); break;
    case '"': sbuf_adds(b, "&quot;"); break;
    case '\'': sbuf_adds(b, "&apos;"); break;
    default:
      if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n' && *s != '\r') sbuf_printf(b, "&#x%x;", *s);
      else sbuf_addc(b, *s);
    }
  }
}

void xml_elem(sbuf_t *b, const char *name, const char *value) {
  sbuf_printf(b, "<%s>", name);
  xml_text(b, value);
  sbuf_printf(b, "</%s>", name);
}

int xml_respond(req_t *r, int status, sbuf_t *doc) {
  int rc = http_respond_buf(r, status, "application/xml", doc->s ? doc->s : "", doc->len);
  sbuf_free(doc);
  return rc;
}

int s3_respond_error(req_t *r, int err, const char *message) {
  sbuf_t b = {0};
  r->err_code = cairn_errcode(err);
  sbuf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>");
  xml_elem(&b, "Code", r->err_code);
  xml_elem(&b, "Message", message ? message : cairn_strerror(err));
  xml_elem(&b, "Resource", r->path ? r->path : "/");
  xml_elem(&b, "RequestId", r->id);
  sbuf_adds(&b, "</Error>\n");
  if (cairn_errstatus(err) == 503) http_add_header(r, "Retry-After", "1");
  /* HEAD answers carry no body; libmicrohttpd drops it. S3 answers EntityTooLarge with 400 (the
   * block API keeps HTTP's 413). */
  return xml_respond(r, err == CAIRN_ETOOBIG ? 400 : cairn_errstatus(err), &b);
}
