/* test_fastcdc.c - chunk bounds, streaming equals one-shot, and cut points that resist an edit:
 * one byte inserted near the start of 64 MiB leaves at least 90 % of the chunks unchanged. */
#include "test.h"
#include "chunk/fastcdc.h"
#include "crypto/hash.h"
#include "util/alloc.h"
#include "util/err.h"
#include <stdlib.h>

#define MIB (1u << 20)

static void fill_random(uint8_t *b, size_t n, uint64_t seed) {
  for (size_t i = 0; i < n; i += 8) {
    seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17;
    for (size_t k = 0; k < 8 && i + k < n; k++) b[i + k] = (uint8_t)(seed >> (8 * k));
  }
}

/* Chunks buf in one call sequence; stores chunk lengths; returns the count. */
static size_t chunk_all(const uint8_t *buf, size_t n, size_t *lens, size_t cap) {
  cdc_t c;
  struct cdc_params p = {CDC_DEFAULT_MIN, CDC_DEFAULT_AVG, CDC_DEFAULT_MAX};
  cdc_init(&c, &p);
  size_t count = 0, off = 0, start = 0;
  while (off < n) {
    int cut;
    off += cdc_scan(&c, buf + off, n - off, &cut);
    if (cut && count < cap) { lens[count++] = off - start; start = off; }
  }
  if (start < n && count < cap) lens[count++] = n - start;
  return count;
}

static void params_checked(void) {
  cdc_t c;
  struct cdc_params bad1 = {1 << 20, 1 << 20, 8 << 20}, bad2 = {4096, 3000000, 8 << 20}, ok = {4096, 16384, 65536};
  ASSERT_EQ(cdc_init(&c, &bad1), CAIRN_EINVAL);
  ASSERT_EQ(cdc_init(&c, &bad2), CAIRN_EINVAL);
  ASSERT_EQ(cdc_init(&c, &ok), 0);
}

static void bounds_and_streaming(void) {
  size_t n = 32 * MIB;
  uint8_t *buf = xmalloc(n);
  fill_random(buf, n, 42);
  size_t *a = xmalloc(4096 * sizeof *a);
  size_t na = chunk_all(buf, n, a, 4096);
  size_t total = 0;
  for (size_t i = 0; i < na; i++) {
    total += a[i];
    if (i + 1 < na) ASSERT(a[i] >= CDC_DEFAULT_MIN && a[i] <= CDC_DEFAULT_MAX);
  }
  ASSERT_EQ(total, n);
  ASSERT(na > 16 && na < 64);   /* about 1 MiB average: 32 MiB gives roughly 20-40 chunks */
  /* streaming in odd pieces finds exactly the same cut points */
  cdc_t c;
  struct cdc_params p = {CDC_DEFAULT_MIN, CDC_DEFAULT_AVG, CDC_DEFAULT_MAX};
  cdc_init(&c, &p);
  size_t off = 0, start = 0, k = 0;
  int same = 1;
  while (off < n) {
    size_t piece = 1 + (off * 7919) % 100003;
    size_t end = off + piece < n ? off + piece : n;
    while (off < end) {
      int cut;
      off += cdc_scan(&c, buf + off, end - off, &cut);
      if (cut) { if (k >= na || a[k] != off - start) same = 0; k++; start = off; }
    }
  }
  ASSERT(same);
  /* all-zero input hits the maximum */
  memset(buf, 0, 20 * MIB);
  size_t nz = chunk_all(buf, 20 * MIB, a, 4096);
  ASSERT_EQ(nz, 3);
  ASSERT_EQ(a[0], CDC_DEFAULT_MAX);
  xfree(a);
  xfree(buf);
}

static int cmp_digest(const void *x, const void *y) { return memcmp(x, y, 32); }

static void insertion_resistance(void) {
  size_t n = 64 * MIB;
  uint8_t *a = xmalloc(n + 1), *b = xmalloc(n + 1);
  fill_random(a, n, 7);
  memcpy(b, a, 1000);
  b[1000] = 0x5a;   /* one byte inserted near the start */
  memcpy(b + 1001, a + 1000, n - 1000);
  size_t *la = xmalloc(4096 * sizeof *la), *lb = xmalloc(4096 * sizeof *lb);
  size_t na = chunk_all(a, n, la, 4096), nb = chunk_all(b, n + 1, lb, 4096);
  uint8_t (*da)[32] = xmalloc(na * 32), (*db)[32] = xmalloc(nb * 32);
  size_t off = 0;
  for (size_t i = 0; i < na; off += la[i], i++) sha256(a + off, la[i], da[i]);
  off = 0;
  for (size_t i = 0; i < nb; off += lb[i], i++) sha256(b + off, lb[i], db[i]);
  qsort(db, nb, 32, cmp_digest);
  size_t same = 0;
  for (size_t i = 0; i < na; i++) if (bsearch(da[i], db, nb, 32, cmp_digest)) same++;
  fprintf(stderr, "  fastcdc: %zu chunks, %zu unchanged after a 1-byte insertion\n", na, same);
  ASSERT(same * 10 >= na * 9);
  xfree(a); xfree(b); xfree(la); xfree(lb); xfree(da); xfree(db);
}

void suite_fastcdc(void) { RUN(params_checked); RUN(bounds_and_streaming); RUN(insertion_resistance); }

/* ---- manifests ---- */
#include "chunk/manifest.h"

#define A64 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define B64 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static void manifest_roundtrip_and_find(void) {
  struct manifest m, p;
  manifest_init(&m);
  ASSERT_EQ(manifest_add(&m, A64, 100), 0);
  ASSERT_EQ(manifest_add(&m, B64, 0), 0);
  ASSERT_EQ(manifest_add(&m, A64, 50), 0);
  ASSERT_EQ(manifest_add(&m, "nothex", 5), CAIRN_EINVAL);
  ASSERT_EQ(m.total, 150);
  char *enc = manifest_encode(&m);
  ASSERT_STREQ(enc, A64 "+100\n" B64 "+0\n" A64 "+50\n");
  ASSERT_EQ(manifest_parse(enc, strlen(enc), 100, &p), 0);
  ASSERT_EQ(p.n, 3);
  ASSERT_EQ(p.b[2].offset, 100);
  ASSERT_EQ(manifest_find(&p, 0), 0);
  ASSERT_EQ(manifest_find(&p, 99), 0);
  ASSERT_EQ(manifest_find(&p, 100), 2);   /* the empty block is skipped */
  ASSERT_EQ(manifest_find(&p, 149), 2);
  ASSERT_EQ(manifest_find(&p, 150), 3);
  manifest_free(&p);
  ASSERT_EQ(manifest_parse(enc, strlen(enc), 2, &p) == 0, 0);   /* over max_blocks */
  ASSERT_EQ(manifest_parse(A64 "+1", 66, 10, &p), CAIRN_EINVAL);   /* no newline */
  ASSERT_EQ(manifest_parse(A64 "+x\n", 67, 10, &p), CAIRN_EINVAL);
  xfree(enc);
  manifest_free(&m);
}

void suite_manifest(void) { RUN(manifest_roundtrip_and_find); }
