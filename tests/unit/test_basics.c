/* test_basics.c - hex, mempool, timeutil (durations, sizes, timestamps), error table. */
#include "test.h"
#include "util/alloc.h"
#include "util/base64.h"
#include "util/err.h"
#include "util/hex.h"
#include "util/mempool.h"
#include "util/timeutil.h"

static void hex_roundtrip(void) {
  uint8_t in[4] = {0x00, 0xab, 0x7f, 0xff}, out[4];
  char h[9];
  hex_encode(in, 4, h);
  ASSERT_STREQ(h, "00ab7fff");
  ASSERT_EQ(hex_decode(h, 8, out), 0);
  ASSERT(!memcmp(in, out, 4));
  ASSERT_EQ(hex_decode("0g", 2, out), CAIRN_EINVAL);
  ASSERT_EQ(hex_decode("abc", 3, out), CAIRN_EINVAL);
  ASSERT(hex_is_lower("09af", 4));
  ASSERT(!hex_is_lower("09AF", 4));
  uint64_t v;
  ASSERT_EQ(hex_parse_u64("6b18c286", 8, &v), 0);
  ASSERT_EQ(v, 0x6b18c286);
  ASSERT_EQ(hex_parse_u64("", 0, &v), CAIRN_EINVAL);
  ASSERT_EQ(hex_parse_u64("11111111111111111", 17, &v), CAIRN_EINVAL);
}

static int order[3], norder;
static void mark(void *p) { order[norder++] = *(int *)p; }

static void mempool_cleanups(void) {
  mempool_t *p = mempool_create();
  static int a = 1, b = 2;
  mempool_on_cleanup(p, mark, &a);
  mempool_on_cleanup(p, mark, &b);
  char *s = mempool_printf(p, "%s-%d", "x", 42);
  ASSERT_STREQ(s, "x-42");
  char *big = mempool_alloc(p, 100000);   /* bigger than a chunk */
  big[99999] = 1;
  ASSERT_STREQ(mempool_strndup(p, "abcdef", 3), "abc");
  norder = 0;
  mempool_destroy(p);
  ASSERT_EQ(norder, 2);
  ASSERT_EQ(order[0], 2);   /* reverse order of registration */
  ASSERT_EQ(order[1], 1);
}

static void durations_and_sizes(void) {
  int64_t ms;
  ASSERT_EQ(parse_duration_ms("90", &ms), 0); ASSERT_EQ(ms, 90000);
  ASSERT_EQ(parse_duration_ms("250ms", &ms), 0); ASSERT_EQ(ms, 250);
  ASSERT_EQ(parse_duration_ms("15m", &ms), 0); ASSERT_EQ(ms, 900000);
  ASSERT_EQ(parse_duration_ms("24h", &ms), 0); ASSERT_EQ(ms, 86400000);
  ASSERT_EQ(parse_duration_ms("7d", &ms), 0); ASSERT_EQ(ms, 604800000);
  ASSERT_EQ(parse_duration_ms("", &ms), CAIRN_EINVAL);
  ASSERT_EQ(parse_duration_ms("5x", &ms), CAIRN_EINVAL);
  ASSERT_EQ(parse_duration_ms("-5", &ms), CAIRN_EINVAL);
  ASSERT_EQ(parse_duration_ms("99999999999999999999d", &ms), CAIRN_EINVAL);
  uint64_t sz;
  ASSERT_EQ(parse_size("8MiB", &sz), 0); ASSERT_EQ(sz, 8 << 20);
  ASSERT_EQ(parse_size("64KiB", &sz), 0); ASSERT_EQ(sz, 65536);
  ASSERT_EQ(parse_size("1G", &sz), 0); ASSERT_EQ(sz, 1 << 30);
  ASSERT_EQ(parse_size("123", &sz), 0); ASSERT_EQ(sz, 123);
  ASSERT_EQ(parse_size("1.5M", &sz), CAIRN_EINVAL);
  ASSERT_EQ(parse_size("M", &sz), CAIRN_EINVAL);
  ASSERT_EQ(parse_size("99999999999999T", &sz), CAIRN_EINVAL);
}

static void timestamps(void) {
  time_t t;
  ASSERT_EQ(time_parse_amz("20130524T000000Z", &t), 0);
  ASSERT_EQ(t, 1369353600);
  char out[40];
  time_format_amz(t, out);
  ASSERT_STREQ(out, "20130524T000000Z");
  time_format_http(784111777, out, sizeof out);
  ASSERT_STREQ(out, "Sun, 06 Nov 1994 08:49:37 GMT");
  ASSERT_EQ(time_parse_amz("20131324T000000Z", &t), CAIRN_EINVAL);
  ASSERT_EQ(time_parse_amz("2013052T000000Z", &t), CAIRN_EINVAL);
  ASSERT_EQ(time_parse_amz("20130524 000000Z", &t), CAIRN_EINVAL);
}

static void error_table(void) {
  ASSERT_EQ(cairn_errstatus(CAIRN_ENOENT), 404);
  ASSERT_STREQ(cairn_errcode(CAIRN_EBUSY), "SlowDown");
  ASSERT_EQ(cairn_errstatus(CAIRN_EBUSY), 503);
  ASSERT_EQ(cairn_errstatus(CAIRN_EHASH), 422);
  ASSERT_EQ(cairn_errstatus(CAIRN_ERANGE), 416);
  ASSERT_STREQ(cairn_strerror(0), "success");
  ASSERT_STREQ(cairn_strerror(12345), "unknown error");
  ASSERT_EQ(cairn_errstatus(-1), 500);
}

void suite_hex(void) { RUN(hex_roundtrip); }
void suite_mempool(void) { RUN(mempool_cleanups); }
void suite_timeutil(void) { RUN(durations_and_sizes); RUN(timestamps); }
void suite_err(void) { RUN(error_table); }

static void base64_rules(void) {
  size_t n;
  char *e = base64_encode("ab", 2);
  ASSERT_STREQ(e, "YWI=");
  unsigned char *d = base64_decode(e, 64, &n);
  ASSERT(d && n == 2 && !memcmp(d, "ab", 2));
  xfree(d); xfree(e);
  d = base64_decode("", 64, &n);
  ASSERT(d && n == 0);
  xfree(d);
  ASSERT(base64_decode("====", 64, &n) == NULL);
  ASSERT(base64_decode("YW=I", 64, &n) == NULL);
  ASSERT(base64_decode("YWI", 64, &n) == NULL);
  ASSERT(base64_decode("YW*=", 64, &n) == NULL);
  ASSERT(base64_decode("YWJjYWJj", 4, &n) == NULL);
}
void suite_base64(void) { RUN(base64_rules); }
