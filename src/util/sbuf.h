/* sbuf.h - a growable byte string (heap). Used to build canonical requests, JSON and listings. */
#ifndef CAIRN_SBUF_H
#define CAIRN_SBUF_H
#include <stddef.h>

typedef struct { char *s; size_t len, cap; } sbuf_t;   /* s is always NUL-terminated once used */

void sbuf_add(sbuf_t *b, const void *data, size_t n);
void sbuf_adds(sbuf_t *b, const char *s);
void sbuf_addc(sbuf_t *b, char c);
void sbuf_printf(sbuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* <name>text</name> with &, < and > escaped (XML documents S3 answers with) */
void sbuf_xml(sbuf_t *b, const char *name, const char *text);
char *sbuf_steal(sbuf_t *b);     /* caller frees with xfree; b is reset */
void sbuf_free(sbuf_t *b);

#endif
