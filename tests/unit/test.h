/* test.h - the unit-test harness (libuv test/task.h style): assertions that survive NDEBUG,
 * one runner (main.c) for every suite, a closing "N passed, N failed" line. */
#ifndef CAIRN_TEST_H
#define CAIRN_TEST_H
#include <stdio.h>
#include <string.h>

extern int test_failed_now;

#define ASSERT(c) do { if (!(c)) { \
  fprintf(stderr, "  %s:%d: ASSERT(%s) failed\n", __FILE__, __LINE__, #c); \
  test_failed_now = 1; return; } } while (0)
#define ASSERT_EQ(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); if (a_ != b_) { \
  fprintf(stderr, "  %s:%d: ASSERT_EQ(%s, %s): %lld != %lld\n", __FILE__, __LINE__, #a, #b, a_, b_); \
  test_failed_now = 1; return; } } while (0)
#define ASSERT_STREQ(a, b) do { const char *a_ = (a), *b_ = (b); if (!a_ || !b_ || strcmp(a_, b_)) { \
  fprintf(stderr, "  %s:%d: ASSERT_STREQ(%s, %s): \"%s\" != \"%s\"\n", __FILE__, __LINE__, #a, #b, \
          a_ ? a_ : "(null)", b_ ? b_ : "(null)"); test_failed_now = 1; return; } } while (0)

typedef void (*test_fn)(void);
void test_run(const char *name, test_fn fn);
#define RUN(fn) test_run(#fn, fn)

/* a fresh temporary directory per call (removed at exit) */
const char *test_tmpdir(void);

#endif
