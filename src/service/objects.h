/* objects.h - object bytes as content-defined chunks in the block store: a streaming writer (body
 * -> FastCDC -> blocks, MD5 for the ETag, a manifest at the end) and a streaming reader over a
 * manifest and byte range. No HTTP, no SQL: callers commit the manifest with meta_object_put. */
#ifndef CAIRN_OBJECTS_H
#define CAIRN_OBJECTS_H
#include "../chunk/fastcdc.h"
#include "../chunk/manifest.h"
#include "../store/store.h"

typedef struct obj_writer obj_writer_t;

/* Takes one pool buffer for the whole stream (CAIRN_EBUSY when none is free). want_sha256: also
 * hash the whole body (only needed to check a hex x-amz-content-sha256). */
int obj_writer_begin(store_t *s, const struct cdc_params *p, int want_sha256, obj_writer_t **out);
int obj_writer_write(obj_writer_t *w, const void *data, size_t n);
/* Ends the last chunk; fills the manifest (caller frees it), the MD5 (hex) and the SHA-256 (hex,
 * "" unless asked for) of the whole body. Frees w. */
int obj_writer_finish(obj_writer_t *w, struct manifest *m, char md5_hex[33], char sha256_hex[65]);
void obj_writer_abort(obj_writer_t *w);   /* blocks already written become garbage for gc */

typedef struct obj_reader obj_reader_t;
/* Reads [off, off+len) of the object described by m; on success the reader takes m over (m is
 * left empty). Takes one pool buffer for verifying its blocks (CAIRN_EBUSY when none is free:
 * park and retry). */
int obj_reader_open(store_t *s, struct manifest *m, uint64_t off, uint64_t len, obj_reader_t **out);
/* Next bytes into buf: count, 0 at the end, or a negative CAIRN_E* (a missing or corrupt block). */
long obj_reader_read(obj_reader_t *r, char *buf, size_t max);
void obj_reader_close(obj_reader_t *r);

#endif
