/* objstream.h - the store-level constructors of the object byte streams declared in objects.h:
 * a writer (body -> FastCDC -> blocks, MD5 for the ETag, a manifest at the end) and a verified
 * reader over a manifest and byte range. Service-internal: api/ uses svc_obj_writer_begin and
 * svc_obj_reader_open. */
#ifndef CAIRN_OBJSTREAM_H
#define CAIRN_OBJSTREAM_H
#include "objects.h"
#include "../store/store.h"

/* Sealed (encrypted) streams: root (may be NULL: plain) is the root key of crypto/chunk_cipher.h;
 * their chunks are cut by these sizes, whatever p says, so a sealed chunk and its tag fit one pool
 * buffer (buffer_size >= 1 MiB, else CAIRN_EINVAL), and each stream takes a second buffer. */
#define OBJ_SEALED_MIN (128u << 10)
#define OBJ_SEALED_AVG (512u << 10)
#define OBJ_SEALED_MAX ((1u << 20) - 16)
int obj_writer_begin(store_t *s, const struct cdc_params *p, int want_sha256, const uint8_t *root, obj_writer_t **out);
/* A manifest with sealed chunks needs root (CAIRN_EIO without). */
int obj_reader_open(store_t *s, struct manifest *m, uint64_t off, uint64_t len, const uint8_t *root, obj_reader_t **out);

#endif
