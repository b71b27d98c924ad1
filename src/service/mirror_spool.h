/* mirror_spool.h - the bytes of a mirror copy while it runs, so waiting clients can be streamed
 * them (`?stream=1`) instead of waiting for the end. The copy task writes every upstream byte to an
 * unnamed temporary file in the data directory (O_TMPFILE: nothing is left after a crash) as well
 * as into the store; readers pread from it and are woken when more arrives. A spool lives in this
 * process only (the node running the copy); readers elsewhere wait for the copy as before. */
#ifndef CAIRN_MIRROR_SPOOL_H
#define CAIRN_MIRROR_SPOOL_H
#include <stddef.h>
#include <stdint.h>

typedef struct spools spools_t;   /* the registry of running spools, by key */
typedef struct spool spool_t;

spools_t *spools_create(const char *dir);
void spools_destroy(spools_t *r);   /* after every spool was finished and released */

/* The copy task: a new spool under key (region/url-hash), replacing none (a key has at most one
 * running copy). length: the upstream's Content-Length, or -1. NULL when no temporary file could
 * be made (the copy goes on; streaming readers wait for its end instead). */
spool_t *spool_begin(spools_t *r, const char *key, int64_t length, const char *content_type);
int spool_write(spool_t *s, const void *data, size_t n);   /* 0 or CAIRN_EIO */
/* The copy ended: ok (stored and checked) or not. Wakes every reader; the spool leaves the
 * registry and is freed with its last reader. */
void spool_finish(spool_t *s, int ok);

/* A reader: the running spool under key (a reference), or NULL. */
spool_t *spool_open(spools_t *r, const char *key);
int64_t spool_length(const spool_t *s);               /* -1: unknown (chunked answer) */
const char *spool_content_type(const spool_t *s);
/* Reads at pos. n > 0 bytes; 0 at the end of a complete copy; -1 when the copy failed;
 * SPOOL_WAIT when nothing is there yet: then suspend(ctx) was called under the spool's lock and
 * wake(ctx) will be called once (any thread) when more bytes arrive or the copy ends. With a known
 * length the last byte is held back until the copy is complete and checked, so a client never
 * receives a whole body the copy then rejects. */
#define SPOOL_WAIT (-3)
long spool_read(spool_t *s, uint64_t pos, char *buf, size_t max, void (*suspend)(void *), void (*wake)(void *),
                void *ctx);
/* Forgets a reader's pending wake (it goes away) and drops its reference. */
void spool_close(spool_t *s, void *ctx);

#endif
