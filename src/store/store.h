/* store.h - the content-addressed block store over one or more volumes: typed operations with no
 * HTTP in sight. A block goes to `replicas` volumes chosen by rendezvous hashing of its id; reads
 * try volumes in that order, verify the bytes (verify_reads), quarantine corrupt copies and
 * repair them from a good replica. Transfers borrow buffers from the shared bounded pool. */
#ifndef CAIRN_STORE_H
#define CAIRN_STORE_H
#include "bufpool.h"
#include "../volume/volume.h"
#include <pthread.h>
#include <stdint.h>

enum verify_reads { VERIFY_READS_ALWAYS, VERIFY_READS_NEVER };
enum verify_dedup { VERIFY_DEDUP_ALWAYS, VERIFY_DEDUP_SIZE, VERIFY_DEDUP_NEVER };

struct store_opts {
  int replicas;
  uint64_t max_block;
  enum verify_reads verify_reads;
  enum verify_dedup verify_dedup;
  int64_t trash_lifetime_s;
  int64_t buffer_wait_ms;
};

struct store_stats {
  uint64_t puts, put_bytes, dedup_hits, gets, get_bytes, corrupt, quarantined, repaired, trashed, trash_emptied;
};

typedef struct store store_t;
typedef struct store_put store_put_t;
typedef struct store_get store_get_t;

#define STORE_MAX_VOLUMES 32

/* Takes ownership of the volumes and the pool; store_destroy closes them. */
store_t *store_create(vol_t **vols, int nvols, bufpool_t *pool, const struct store_opts *o);
void store_destroy(store_t *s);
const struct store_opts *store_options(const store_t *s);
void store_get_stats(store_t *s, struct store_stats *out);
bufpool_t *store_pool(store_t *s);
int store_nvols(const store_t *s);
vol_t *store_vol(store_t *s, int i);

/* Streaming write of block `id`. expect_size is -1 when unknown. id NULL: the block's id is its
 * hash, known at finish (the chunker's streams); an identical stored block is then kept and the
 * new bytes dropped. May fail with CAIRN_EBUSY (pool), CAIRN_ETOOBIG, CAIRN_EROFS. The put owns a
 * pool buffer until finish or abort. */
int store_put_begin(store_t *s, const char *id, int64_t expect_size, store_put_t **out);
/* The same with a pool buffer the caller already holds (and keeps): a stream of chunks takes one
 * buffer for its whole life instead of one per chunk. */
int store_put_begin_buf(store_t *s, const char *id, int64_t expect_size, void *buf, store_put_t **out);
int store_put_write(store_put_t *p, const void *data, size_t n);
/* Verifies hash and size, commits durably; gives the number of replicas stored, the size and
 * (id_out, 65 bytes, may be NULL) the id. Frees p. */
int store_put_finish(store_put_t *p, int *replicas, uint64_t *size, char *id_out);
void store_put_abort(store_put_t *p);
/* Streams that write many blocks (objects) finish each one in the background: the id and the
 * last bytes are settled here (the caller's buffer is free on return), the dedup check and the
 * fsync + rename run on a commit thread. At most 4 blocks of a group wait at a time;
 * store_group_wait returns when all are durable (or the first error). */
struct store_group { pthread_mutex_t mu; pthread_cond_t cv; int pending, err; };
void store_group_init(struct store_group *g);
int store_put_finish_async(store_put_t *p, struct store_group *g, uint64_t *size, char *id_out);
int store_group_wait(struct store_group *g);
void store_group_destroy(struct store_group *g);   /* waits first */    /* frees p; nothing is left on any volume */

/* Opens a verified copy of `id` (CAIRN_ENOENT, CAIRN_ECORRUPT when every copy is bad, CAIRN_EBUSY). */
int store_get_open(store_t *s, const char *id, store_get_t **out, uint64_t *size);
/* The same, verifying with a pool buffer the caller holds (a stream of blocks keeps one). */
int store_get_open_buf(store_t *s, const char *id, void *buf, store_get_t **out, uint64_t *size);
int store_get_fd(store_get_t *g);                       /* sendfile-able fd or -1 */
ssize_t store_get_read(store_get_t *g, void *buf, size_t n, uint64_t off);
void store_get_close(store_get_t *g);

int store_has(store_t *s, const char *id, uint64_t *size);   /* 0 or CAIRN_ENOENT */
/* Every volume is known unreachable now (remote stores that failed): reads would fail. */
int store_unavailable(store_t *s);
/* Volumes holding a copy of id, in the order reads try them; returns how many (<= max). */
int store_locate(store_t *s, const char *id, vol_t **out, int max, uint64_t *size);

/* The rendezvous order of the volumes for a block id (reads try them in it; writes and balance
 * want the first `replicas` writable ones). */
void store_order(const store_t *s, const char *id, int order[STORE_MAX_VOLUMES]);

/* Replication and rebalancing (store_balance.c): copies each block to the volumes that should
 * hold it and trashes copies elsewhere once those are there (only if unchanged since listed).
 * progress: every 256 blocks, (done, total) copies; non-zero stops. */
struct balance_report {
  uint64_t blocks, copies, copied, copied_bytes, trashed, kept_changed, underplaced, failed;
  double seconds;
};
typedef int (*balance_progress_fn)(void *ctx, uint64_t done, uint64_t total);
int store_balance(store_t *s, balance_progress_fn progress, void *ctx, struct balance_report *rep);

/* Admin operations (store_admin.c). */
int store_trash(store_t *s, const char *id);      /* every copy to trash until now+trash_lifetime */
int store_untrash(store_t *s, const char *id);
int store_empty_trash(store_t *s, int *deleted);
typedef int (*store_index_cb)(void *ctx, const struct vol_entry *e);
int store_index(store_t *s, const char *prefix, store_index_cb cb, void *ctx);  /* sorted, unique */
struct fsck_report { uint64_t blocks, bytes, corrupt; };
typedef void (*fsck_corrupt_cb)(void *ctx, const char *id);
int store_fsck_volume(vol_t *v, fsck_corrupt_cb cb, void *ctx, struct fsck_report *rep);

void store_count_trash(store_t *s, uint64_t trashed, uint64_t emptied);   /* for store_admin.c */
/* Shared helper: 0 when the reader's bytes hash to id, CAIRN_ECORRUPT when not. */
int store_verify_reader(vol_reader_t *r, const char *id, uint64_t size, void *buf, size_t bufsize);

#endif
