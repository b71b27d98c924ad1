/* s3_xml.h - S3 XML responses: escaping, the error document (the S3 routes' error writer), and
 * sending a built document. http/ stays protocol-only; the S3 dialect lives here. */
#ifndef CAIRN_S3_XML_H
#define CAIRN_S3_XML_H
#include "../http/request.h"
#include "../util/sbuf.h"

#define S3_XMLNS "http://s3.amazonaws.com/doc/2006-03-01/"

void xml_text(sbuf_t *b, const char *s);                         /* escaped character data */
void xml_elem(sbuf_t *b, const char *name, const char *value);   /* <name>escaped</name> */
int xml_respond(req_t *r, int status, sbuf_t *doc);              /* frees doc */
/* <Error><Code/><Message/><Resource/><RequestId/></Error> with the error's status. */
int s3_respond_error(req_t *r, int err, const char *message);

#endif
