/* test_range.c - Range header parsing. */
#include "test.h"
#include "http/range.h"

static void ranges(void) {
  uint64_t s, l;
  ASSERT_EQ(range_parse(NULL, 100, &s, &l), RANGE_NONE);
  ASSERT_EQ(range_parse("bytes=0-9", 100, &s, &l), RANGE_OK); ASSERT_EQ(s, 0); ASSERT_EQ(l, 10);
  ASSERT_EQ(range_parse("bytes=90-", 100, &s, &l), RANGE_OK); ASSERT_EQ(s, 90); ASSERT_EQ(l, 10);
  ASSERT_EQ(range_parse("bytes=-5", 100, &s, &l), RANGE_OK); ASSERT_EQ(s, 95); ASSERT_EQ(l, 5);
  ASSERT_EQ(range_parse("bytes=-500", 100, &s, &l), RANGE_OK); ASSERT_EQ(s, 0); ASSERT_EQ(l, 100);
  ASSERT_EQ(range_parse("bytes=50-5000", 100, &s, &l), RANGE_OK); ASSERT_EQ(l, 50);
  ASSERT_EQ(range_parse("bytes=100-", 100, &s, &l), RANGE_UNSATISFIABLE);
  ASSERT_EQ(range_parse("bytes=-0", 100, &s, &l), RANGE_UNSATISFIABLE);
  ASSERT_EQ(range_parse("bytes=0-0", 0, &s, &l), RANGE_UNSATISFIABLE);
  ASSERT_EQ(range_parse("bytes=5-1", 100, &s, &l), RANGE_NONE);
  ASSERT_EQ(range_parse("bytes=0-1,5-6", 100, &s, &l), RANGE_NONE);
  ASSERT_EQ(range_parse("items=0-1", 100, &s, &l), RANGE_NONE);
  ASSERT_EQ(range_parse("bytes=-", 100, &s, &l), RANGE_NONE);
  ASSERT_EQ(range_parse("bytes=1-2x", 100, &s, &l), RANGE_NONE);
  ASSERT_EQ(range_parse("bytes=99999999999999999999999-", 100, &s, &l), RANGE_NONE);
}

void suite_range(void) { RUN(ranges); }
