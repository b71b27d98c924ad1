/* hash_thread.h - a stream's MD5 (and, when asked, SHA-256) computed on a helper thread, so the
 * thread that chunks and stores the stream only copies its bytes: the two halves of a buffer the
 * caller lends alternate between being filled here and hashed there. Memory: that buffer only. */
#ifndef CAIRN_HASH_THREAD_H
#define CAIRN_HASH_THREAD_H
#include <stddef.h>
#include <stdint.h>

typedef struct hash_thread hash_thread_t;

/* buf (cap bytes, cap >= 2) stays the caller's, untouched once finish or abort returns. 0 or CAIRN_E*. */
int hash_thread_start(void *buf, size_t cap, int want_sha256, hash_thread_t **out);
void hash_thread_feed(hash_thread_t *t, const void *data, size_t n);
/* Waits for the last bytes, gives the digests (sha256: only when asked), frees t. */
void hash_thread_finish(hash_thread_t *t, uint8_t md5[16], uint8_t sha256[32]);
void hash_thread_abort(hash_thread_t *t);   /* frees t */

#endif
