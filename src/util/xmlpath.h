/* xmlpath.h - a small reader for S3 request bodies over expat: callbacks see each element's path
 * ("/Delete/Object/Key") when it opens and, with its text, when it closes. Text is capped at 4 KiB
 * an element. */
#ifndef CAIRN_XMLPATH_H
#define CAIRN_XMLPATH_H
#include <stddef.h>

typedef void (*xmlpath_open_fn)(void *ctx, const char *path);
typedef void (*xmlpath_leaf_fn)(void *ctx, const char *path, const char *text);

/* 0, or CAIRN_EMALFORMEDXML. open may be NULL. */
int xmlpath_parse(const char *xml, size_t len, xmlpath_open_fn open, xmlpath_leaf_fn leaf, void *ctx);

#endif
