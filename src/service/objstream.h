/* objstream.h - the store-level constructors of the object byte streams declared in objects.h:
 * a writer (body -> FastCDC -> blocks, MD5 for the ETag, a manifest at the end) and a verified
 * reader over a manifest and byte range. Service-internal: api/ uses svc_obj_writer_begin and
 * svc_obj_reader_open. */
#ifndef CAIRN_OBJSTREAM_H
#define CAIRN_OBJSTREAM_H
#include "objects.h"
#include "../store/store.h"

int obj_writer_begin(store_t *s, const struct cdc_params *p, int want_sha256, obj_writer_t **out);
int obj_reader_open(store_t *s, struct manifest *m, uint64_t off, uint64_t len, obj_reader_t **out);

#endif
