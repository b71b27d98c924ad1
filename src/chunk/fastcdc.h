/* fastcdc.h - content-defined chunking (FastCDC: gear rolling hash, cut-point skipping below the
 * minimum, normalized chunking with a harder mask before the average size and an easier one
 * after; Xia et al., USENIX ATC 2016). Streaming: feed any buffer sizes, get the same cut points
 * as for one contiguous buffer. The gear table is fixed forever: changing it would change every
 * chunk boundary and defeat deduplication of data stored before. */
#ifndef CAIRN_FASTCDC_H
#define CAIRN_FASTCDC_H
#include <stddef.h>
#include <stdint.h>

struct cdc_params { size_t min, avg, max; };   /* avg a power of two; min < avg < max */

#define CDC_DEFAULT_MIN (512u << 10)
#define CDC_DEFAULT_AVG (1u << 20)
#define CDC_DEFAULT_MAX (8u << 20)

typedef struct {
  struct cdc_params p;
  uint64_t mask_s, mask_l;   /* hard mask (before avg), easy mask (after) */
  uint64_t fp;
  size_t len;                /* bytes of the current chunk seen so far */
} cdc_t;

/* 0, or CAIRN_EINVAL for inconsistent parameters. */
int cdc_init(cdc_t *c, const struct cdc_params *p);
/* Scans data; returns how many bytes belong to the current chunk. *cut is 1 when the chunk ends
 * right after them (the state is then reset for the next chunk). Call again with the rest. */
size_t cdc_scan(cdc_t *c, const uint8_t *data, size_t n, int *cut);
/* The current chunk's length so far (the final chunk at end of input when non-zero). */
static inline size_t cdc_pending(const cdc_t *c) { return c->len; }

#endif
