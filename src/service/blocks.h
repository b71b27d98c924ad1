/* blocks.h - the block API's operations with their authorization. Any user may store a block
 * (that records a claim: the user proved to hold those bytes); reading a block needs a signed
 * locator (handed out on upload and for readable datasets) or an admin key; the index, trash and
 * untrash are admin-only. "Which of these do you lack?" answers from the caller's claims, so it
 * never tells whether somebody else stored a file. */
#ifndef CAIRN_SERVICE_BLOCKS_H
#define CAIRN_SERVICE_BLOCKS_H
#include "svc.h"
#include "../store/locator.h"   /* struct locator: parsing is pure */
#include <stdint.h>
#include <sys/types.h>

typedef struct svc_block_put svc_block_put_t;
/* expect: the size, or -1. CAIRN_EBUSY when no pool buffer is free (park and retry). */
int svc_block_put_begin(svc_t *s, const struct principal *p, const char *id, int64_t expect, svc_block_put_t **out);
int svc_block_put_write(svc_block_put_t *w, const void *data, size_t n);
/* Verifies and makes the block durable (blocking: run on a worker), records the claim, and
 * writes a signed locator for it. Frees w. */
int svc_block_put_finish(svc_block_put_t *w, int *replicas, char loc[LOCATOR_MAX + 1]);
void svc_block_put_abort(svc_block_put_t *w);

/* May p read this block? A signed locator is always verified (EAUTH, EEXPIRED); unsigned: admins
 * only. */
int svc_block_read_check(svc_t *s, const struct principal *p, const struct locator *l);
/* After svc_block_read_check: size and the volumes holding the block ("uuid,uuid"; heap). */
int svc_block_locate(svc_t *s, const char *id, uint64_t *size, char **volumes);
/* After svc_block_read_check: a URL of the store the client may GET the whole block from (valid
 * DIRECT_READ_TTL_S), when direct_reads is on and a volume holding it has such URLs (S3); heap.
 * CAIRN_ENOTIMPL otherwise (serve it through the gateway), CAIRN_ENOENT when no volume has it. */
#define DIRECT_READ_TTL_S 600
/* Every volume is known unreachable now: a read would fail (answer 503 before any byte). */
int svc_store_unavailable(svc_t *s);
int svc_block_url(svc_t *s, const char *id, char **url);
typedef struct store_get svc_block_reader_t;   /* opaque */
/* Opens and verifies a block (blocking: run on a worker); CAIRN_EBUSY without a pool buffer. */
int svc_block_open(svc_t *s, const char *id, svc_block_reader_t **out, uint64_t *size);
int svc_block_fd(svc_block_reader_t *g);   /* for sendfile, or -1 */
ssize_t svc_block_read(svc_block_reader_t *g, void *buf, size_t n, uint64_t off);
void svc_block_close(svc_block_reader_t *g);

/* 1 when the caller should upload id (it has no claim on it, or it is not stored), 0, or < 0. */
int svc_block_missing(svc_t *s, const struct principal *p, const char *id);
int svc_block_trash(svc_t *s, const struct principal *p, const char *id);     /* admin */
int svc_block_untrash(svc_t *s, const struct principal *p, const char *id);   /* admin */
/* Every block of one 2-hex-digit subdirectory (or an id prefix of >= 2 digits): admin. */
typedef int (*svc_block_index_cb)(void *ctx, const char *id, uint64_t size, int64_t mtime);
int svc_block_index(svc_t *s, const struct principal *p, const char *prefix, svc_block_index_cb cb, void *ctx);
/* A signed locator for id+size, valid for signature_ttl. */
void svc_block_sign(svc_t *s, const char *id, uint64_t size, char loc[LOCATOR_MAX + 1]);

#endif
