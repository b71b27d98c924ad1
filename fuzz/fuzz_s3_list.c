/* fuzz_s3_list.c - libFuzzer target: a ListObjectsV2 answer from an S3 store (the S3 volume's
 * block index and trash), in both the blocks and the trash form; every entry given out has an id
 * that fits, and a callback that stops the walk is never called again. */
#include "volume/s3_list.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int calls_after_stop;
static int on_entry(void *ctx, const struct vol_entry *e) {
  int *n = ctx;
  if (strlen(e->id) > 64) abort();
  if (*n < 0) calls_after_stop++;
  return ++*n >= 3 ? (*n = -1, 1) : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  for (int trash = 0; trash < 2; trash++) {
    int n = 0;
    struct s3_list l = {trash ? "p/trash/" : "p/blocks/", trash, on_entry, &n, 0, 0, "", "", 0, 0};
    s3_list_parse((const char *)data, size, &l);
    if (calls_after_stop) abort();
    if (strlen(l.token) >= sizeof l.token) abort();
  }
  return 0;
}
