/* fastcdc.c - FastCDC cut-point search. */
#include "fastcdc.h"
#include "../util/err.h"

static uint64_t gear[256];
static int gear_ready;

/* splitmix64 from a fixed seed: a reproducible table of 256 random 64-bit values. */
static void gear_init(void) {
  uint64_t x = 0x6361697276636463ULL;   /* "cairncdc" */
  for (int i = 0; i < 256; i++) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    gear[i] = z ^ (z >> 31);
  }
  gear_ready = 1;
}

/* nbits one-bits spread evenly over bit positions 63..16: with the gear hash shifting left,
 * high bits depend on a longer window of recent bytes. */
static uint64_t spread_mask(int nbits) {
  uint64_t m = 0;
  for (int i = 0; i < nbits; i++) m |= 1ULL << (63 - (i * 48) / nbits);
  return m;
}

int cdc_init(cdc_t *c, const struct cdc_params *p) {
  if (!gear_ready) gear_init();   /* benign race: every thread writes the same values */
  if (!p->avg || (p->avg & (p->avg - 1)) || p->min >= p->avg || p->avg >= p->max || p->min < 64)
    return CAIRN_EINVAL;
  int bits = 0;
  while ((1ULL << bits) < p->avg) bits++;
  c->p = *p;
  c->mask_s = spread_mask(bits + 2);   /* normalization level 2 */
  c->mask_l = spread_mask(bits > 2 ? bits - 2 : 1);
  c->fp = 0;
  c->len = 0;
  return 0;
}

size_t cdc_scan(cdc_t *c, const uint8_t *d, size_t n, int *cut) {
  size_t i = 0;
  *cut = 0;
  if (c->len < c->p.min) {   /* cut-point skipping: no boundary below the minimum */
    size_t skip = c->p.min - c->len < n ? c->p.min - c->len : n;
    c->len += skip;
    i = skip;
  }
  uint64_t fp = c->fp;
  while (i < n) {
    fp = (fp << 1) + gear[d[i]];
    i++;
    c->len++;
    uint64_t mask = c->len < c->p.avg ? c->mask_s : c->mask_l;
    if (!(fp & mask) || c->len >= c->p.max) {
      *cut = 1;
      c->fp = 0;
      c->len = 0;
      return i;
    }
  }
  c->fp = fp;
  return i;
}
