/* test_store.c - buffer pool limits, the local volume driver, and the block store: verified
 * writes leave nothing on failure, dedup, corruption detection, read repair, trash. */
#include "test.h"
#include "crypto/hash.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/err.h"
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static void pool_limits(void) {
  bufpool_t *p = bufpool_create(2, 4096);
  void *a, *b, *c;
  ASSERT_EQ(bufpool_get(p, 0, &a), 0);
  ASSERT_EQ(bufpool_get(p, 0, &b), 0);
  ASSERT_EQ(bufpool_get(p, 30, &c), CAIRN_EBUSY);
  struct bufpool_stats st;
  bufpool_stats(p, &st);
  ASSERT_EQ(st.allocated, 2);
  ASSERT_EQ(st.in_use, 2);
  ASSERT_EQ(st.timeouts, 1);
  bufpool_put(p, a);
  ASSERT_EQ(bufpool_get(p, 0, &c), 0);
  ASSERT(c == a);   /* reused, not allocated */
  bufpool_put(p, b);
  bufpool_put(p, c);
  bufpool_destroy(p);
}

struct worker { bufpool_t *p; int ok; };
static void *hold_and_release(void *arg) {
  struct worker *w = arg;
  for (int i = 0; i < 50; i++) {
    void *b;
    if (bufpool_get(w->p, 5000, &b)) return NULL;
    ((char *)b)[0] = (char)i;
    usleep(100);
    bufpool_put(w->p, b);
  }
  w->ok = 1;
  return NULL;
}

static void pool_one_buffer_many_threads(void) {
  bufpool_t *p = bufpool_create(1, 4096);
  pthread_t t[8];
  struct worker w[8];
  for (int i = 0; i < 8; i++) { w[i] = (struct worker){p, 0}; pthread_create(&t[i], NULL, hold_and_release, &w[i]); }
  for (int i = 0; i < 8; i++) pthread_join(t[i], NULL);
  for (int i = 0; i < 8; i++) ASSERT(w[i].ok);
  struct bufpool_stats st;
  bufpool_stats(p, &st);
  ASSERT_EQ(st.allocated, 1);
  bufpool_destroy(p);
}

static int count_files(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d))) if (e->d_name[0] != '.') n++;
  closedir(d);
  return n;
}

static store_t *mkstore(int nvols, int replicas, const char **dirs, enum verify_reads vr) {
  vol_t *v[4];
  for (int i = 0; i < nvols; i++) {
    dirs[i] = test_tmpdir();
    if (vol_open_local(dirs[i], NULL, &v[i])) return NULL;
  }
  struct store_opts o = {replicas, 1 << 20, vr, VERIFY_DEDUP_SIZE, 3600, 1000};
  return store_create(v, nvols, bufpool_create(4, 64 * 1024), &o);
}

static int put(store_t *s, const void *data, size_t n, int64_t expect, int chunk) {
  char id[65];
  sha256_hex(data, n, id);
  store_put_t *p;
  int rc = store_put_begin(s, id, expect, &p);
  if (rc) return rc;
  for (size_t off = 0; off < n; off += (size_t)chunk) {
    size_t k = n - off < (size_t)chunk ? n - off : (size_t)chunk;
    if ((rc = store_put_write(p, (const char *)data + off, k))) { store_put_abort(p); return rc; }
  }
  int reps;
  uint64_t size;
  return store_put_finish(p, &reps, &size, NULL);
}

static int read_all(store_t *s, const char *id, char *out, size_t cap, uint64_t *size) {
  store_get_t *g;
  int rc = store_get_open(s, id, &g, size);
  if (rc) return rc;
  ssize_t n = store_get_read(g, out, cap, 0);
  store_get_close(g);
  return n == (ssize_t)*size ? 0 : CAIRN_EIO;
}

static void store_roundtrip_and_failures(void) {
  const char *dirs[1];
  store_t *s = mkstore(1, 1, dirs, VERIFY_READS_ALWAYS);
  ASSERT(s);
  static char data[200000];
  for (size_t i = 0; i < sizeof data; i++) data[i] = (char)(i * 7);
  char id[65], out[200000];
  sha256_hex(data, sizeof data, id);
  ASSERT_EQ(put(s, data, sizeof data, -1, 3000), 0);   /* spans several 64 KiB buffers */
  uint64_t size;
  ASSERT_EQ(read_all(s, id, out, sizeof out, &size), 0);
  ASSERT_EQ(size, sizeof data);
  ASSERT(!memcmp(out, data, sizeof data));
  /* a body that does not hash to the id: refused, nothing kept */
  store_put_t *p;
  char other[65];
  sha256_hex("other", 5, other);
  ASSERT_EQ(store_put_begin(s, other, -1, &p), 0);
  ASSERT_EQ(store_put_write(p, "wrong", 5), 0);
  int reps;
  ASSERT_EQ(store_put_finish(p, &reps, &size, NULL), CAIRN_EHASH);
  ASSERT_EQ(store_has(s, other, NULL), CAIRN_ENOENT);
  char tmp[300];
  snprintf(tmp, sizeof tmp, "%s/tmp", dirs[0]);
  ASSERT_EQ(count_files(tmp), 0);
  /* size mismatch and over max_block */
  ASSERT_EQ(put(s, "other", 5, 6, 5), CAIRN_ESIZE);
  ASSERT_EQ(store_put_begin(s, other, 2 << 20, &p), CAIRN_ETOOBIG);
  /* abort leaves nothing */
  ASSERT_EQ(store_put_begin(s, other, -1, &p), 0);
  ASSERT_EQ(store_put_write(p, "oth", 3), 0);
  store_put_abort(p);
  ASSERT_EQ(count_files(tmp), 0);
  ASSERT_EQ(store_has(s, other, NULL), CAIRN_ENOENT);
  /* dedup: a second put of the same bytes is a hit */
  ASSERT_EQ(put(s, data, sizeof data, sizeof data, 65536), 0);
  struct store_stats st;
  store_get_stats(s, &st);
  ASSERT_EQ(st.dedup_hits, 1);
  store_destroy(s);
}

static void corrupt_file(const char *dir, const char *id) {
  char path[400];
  snprintf(path, sizeof path, "%s/blocks/%.2s/%s", dir, id, id);
  FILE *f = fopen(path, "r+");
  if (!f) return;
  fseek(f, 10, SEEK_SET);
  fputc('X', f);
  fclose(f);
}

static void corruption_and_repair(void) {
  const char *dirs[2];
  store_t *s = mkstore(2, 2, dirs, VERIFY_READS_ALWAYS);
  ASSERT(s);
  static char data[100000];
  memset(data, 'a', sizeof data);
  char id[65], out[100000];
  sha256_hex(data, sizeof data, id);
  ASSERT_EQ(put(s, data, sizeof data, -1, 10000), 0);
  vol_t *where[2];
  uint64_t sz;
  ASSERT_EQ(store_locate(s, id, where, 2, &sz), 2);
  const char *first = vol_path(where[0]);   /* the copy reads try first */
  corrupt_file(first, id);
  uint64_t size;
  ASSERT_EQ(read_all(s, id, out, sizeof out, &size), 0);   /* served from the good replica */
  ASSERT(!memcmp(out, data, sizeof data));
  struct store_stats st;
  store_get_stats(s, &st);
  ASSERT_EQ(st.corrupt, 1);
  ASSERT_EQ(st.repaired, 1);
  char q[300];
  snprintf(q, sizeof q, "%s/quarantine", first);
  ASSERT_EQ(count_files(q), 1);
  /* the repaired copy verifies on its own */
  struct fsck_report rep;
  ASSERT_EQ(store_fsck_volume(where[0], NULL, NULL, &rep), 0);
  ASSERT_EQ(rep.blocks, 1);
  ASSERT_EQ(rep.corrupt, 0);
  /* both copies bad: an error, never the bytes */
  corrupt_file(dirs[0], id);
  corrupt_file(dirs[1], id);
  store_get_t *g;
  ASSERT_EQ(store_get_open(s, id, &g, &size), CAIRN_ECORRUPT);
  store_destroy(s);
}

static void trash_cycle(void) {
  const char *dirs[1];
  store_t *s = mkstore(1, 1, dirs, VERIFY_READS_NEVER);
  ASSERT(s);
  char id[65];
  sha256_hex("hello", 5, id);
  ASSERT_EQ(put(s, "hello", 5, 5, 5), 0);
  ASSERT_EQ(store_trash(s, id), 0);
  ASSERT_EQ(store_has(s, id, NULL), CAIRN_ENOENT);
  ASSERT_EQ(store_untrash(s, id), 0);
  ASSERT_EQ(store_has(s, id, NULL), 0);
  ASSERT_EQ(store_trash(s, id), 0);
  int n;
  ASSERT_EQ(store_empty_trash(s, &n), 0);
  ASSERT_EQ(n, 0);   /* deadline an hour away */
  ASSERT_EQ(store_untrash(s, "0000000000000000000000000000000000000000000000000000000000000000"), CAIRN_ENOENT);
  store_destroy(s);
}

static int count_cb(void *ctx, const struct vol_entry *e) { (void)e; ++*(int *)ctx; return 0; }

static void index_dedups_replicas(void) {
  const char *dirs[2];
  store_t *s = mkstore(2, 2, dirs, VERIFY_READS_NEVER);
  ASSERT(s);
  ASSERT_EQ(put(s, "a", 1, 1, 1), 0);
  ASSERT_EQ(put(s, "b", 1, 1, 1), 0);
  int n = 0;
  ASSERT_EQ(store_index(s, "", count_cb, &n), 0);
  ASSERT_EQ(n, 2);
  ASSERT_EQ(store_index(s, "XY", count_cb, &n), CAIRN_EINVAL);
  store_destroy(s);
}

static void volume_stale_tmp_removed(void) {
  const char *d = test_tmpdir();
  vol_t *v;
  ASSERT_EQ(vol_open_local(d, NULL, &v), 0);
  vol_writer_t *w;
  ASSERT_EQ(vol_write_open(v, "1111111111111111111111111111111111111111111111111111111111111111", &w), 0);
  ASSERT_EQ(vol_write(w, "x", 1), 0);
  char tmp[300];
  snprintf(tmp, sizeof tmp, "%s/tmp", d);
  ASSERT_EQ(count_files(tmp), 1);
  vol_t *again;   /* a restart after a crash: the unfinished write's temp file goes */
  ASSERT_EQ(vol_open_local(d, NULL, &again), 0);
  ASSERT_EQ(count_files(tmp), 0);
  vol_write_abort(w);
  vol_close(again);
  struct vol_opts ro = {.read_only = 1};
  vol_t *r;
  ASSERT_EQ(vol_open_local(d, &ro, &r), 0);
  ASSERT_EQ(vol_write_open(r, "1111111111111111111111111111111111111111111111111111111111111111", &w), CAIRN_EROFS);
  vol_close(r);
  vol_close(v);
}

/* direct_writes: page-aligned whole buffers go past the page cache, a tail or an unaligned buffer
 * switches the file to buffered writes; what is read back is what was written, in order. */
static void volume_direct_writes(void) {
  const char *d = test_tmpdir();
  struct vol_opts o = {.direct_writes = 1};
  vol_t *v;
  ASSERT_EQ(vol_open_local(d, &o, &v), 0);
  enum { A = 4096 };
  uint8_t *al = xmalloc_aligned(A, 3 * A), *want = xmalloc(3 * A + 100);
  for (size_t i = 0; i < 3 * A; i++) al[i] = (uint8_t)(i * 7 + 1);
  for (int round = 0; round < 2; round++) {   /* aligned, aligned, tail; then unaligned first */
    size_t n = 0;
    vol_writer_t *w;
    ASSERT_EQ(vol_write_open(v, NULL, &w), 0);
    if (round == 0) {
      ASSERT_EQ(vol_write(w, al, 2 * A), 0); memcpy(want, al, 2 * A); n = 2 * A;
      ASSERT_EQ(vol_write(w, al + A, A), 0); memcpy(want + n, al + A, A); n += A;
    } else {
      ASSERT_EQ(vol_write(w, al + 1, A), 0); memcpy(want, al + 1, A); n = A;
      ASSERT_EQ(vol_write(w, al, 2 * A), 0); memcpy(want + n, al, 2 * A); n += 2 * A;
    }
    ASSERT_EQ(vol_write(w, "tail bytes", 10), 0); memcpy(want + n, "tail bytes", 10); n += 10;
    char id[65];
    sha256_hex(want, n, id);
    ASSERT_EQ(vol_write_commit_as(w, id), 0);
    vol_reader_t *r;
    uint64_t size = 0;
    ASSERT_EQ(vol_read_open(v, id, &r, &size), 0);
    ASSERT_EQ(size, n);
    uint8_t *got = xmalloc(n);
    ASSERT_EQ(vol_read(r, got, n, 0), (ssize_t)n);
    ASSERT(!memcmp(got, want, n));
    xfree(got);
    vol_read_close(r);
  }
  xfree(al);
  xfree(want);
  vol_close(v);
}

static void anonymous_puts(void) {
  const char *dirs[2];
  store_t *s = mkstore(2, 1, dirs, VERIFY_READS_ALWAYS);
  ASSERT(s);
  static char data[150000];
  for (size_t i = 0; i < sizeof data; i++) data[i] = (char)(i * 13);
  char want[65], got[65], out[150000];
  sha256_hex(data, sizeof data, want);
  for (int round = 0; round < 4; round++) {   /* later rounds are dedup hits, maybe on another volume */
    store_put_t *p;
    ASSERT_EQ(store_put_begin(s, NULL, -1, &p), 0);
    for (size_t off = 0; off < sizeof data; off += 7000)
      ASSERT_EQ(store_put_write(p, data + off, sizeof data - off < 7000 ? sizeof data - off : 7000), 0);
    int reps;
    uint64_t size;
    ASSERT_EQ(store_put_finish(p, &reps, &size, got), 0);
    ASSERT_STREQ(got, want);
    ASSERT_EQ(size, sizeof data);
  }
  uint64_t size;
  ASSERT_EQ(read_all(s, want, out, sizeof out, &size), 0);
  ASSERT(!memcmp(out, data, sizeof data));
  char tmp0[300], tmp1[300];
  snprintf(tmp0, sizeof tmp0, "%s/tmp", dirs[0]);
  snprintf(tmp1, sizeof tmp1, "%s/tmp", dirs[1]);
  ASSERT_EQ(count_files(tmp0) + count_files(tmp1), 0);
  vol_t *where[2];
  int copies = store_locate(s, want, where, 2, &size);
  ASSERT(copies >= 1 && copies <= 2);
  store_destroy(s);
}

void suite_bufpool(void) { RUN(pool_limits); RUN(pool_one_buffer_many_threads); }
void suite_volume(void) { RUN(volume_stale_tmp_removed); RUN(volume_direct_writes); }
void suite_store(void) {
  RUN(store_roundtrip_and_failures); RUN(corruption_and_repair); RUN(trash_cycle); RUN(index_dedups_replicas); RUN(anonymous_puts);
}
