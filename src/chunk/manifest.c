/* manifest.c - manifest encoding, parsing and range lookup. */
#include "manifest.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/hex.h"
#include "../util/sbuf.h"
#include <string.h>

void manifest_init(struct manifest *m) { memset(m, 0, sizeof *m); }

void manifest_free(struct manifest *m) {
  xfree(m->b);
  manifest_init(m);
}

int manifest_add(struct manifest *m, const char *id, uint64_t size) { return manifest_add_sealed(m, id, size, ""); }

int manifest_add_sealed(struct manifest *m, const char *id, uint64_t size, const char *wkey) {
  if (strlen(id) != 64 || !hex_is_lower(id, 64)) return CAIRN_EINVAL;
  if (*wkey && (strlen(wkey) != 64 || !hex_is_lower(wkey, 64))) return CAIRN_EINVAL;
  if (m->total + size < m->total) return CAIRN_EINVAL;   /* overflow */
  if (m->n == m->cap) {
    m->cap = m->cap ? m->cap * 2 : 16;
    m->b = xrealloc(m->b, m->cap * sizeof *m->b);
  }
  struct mblock *b = &m->b[m->n++];
  memcpy(b->id, id, 65);
  b->size = size;
  memcpy(b->wkey, wkey, strlen(wkey) + 1);
  b->offset = m->total;
  m->total += size;
  return 0;
}

int manifest_parse(const char *t, size_t len, size_t max_blocks, struct manifest *m) {
  manifest_init(m);
  size_t i = 0;
  while (i < len) {
    const char *nl = memchr(t + i, '\n', len - i);
    if (!nl) goto bad;
    size_t ll = (size_t)(nl - (t + i));
    if (ll < 66 || t[i + 64] != '+' || m->n >= max_blocks) goto bad;
    char id[65], wkey[65] = "";
    memcpy(id, t + i, 64);
    id[64] = 0;
    const char *plus = memchr(t + i + 65, '+', ll - 65);   /* an encrypted chunk's wrapped key */
    size_t digits = plus ? (size_t)(plus - (t + i + 65)) : ll - 65;
    if (!digits || digits > 15 || (plus && (size_t)(t + i + ll - plus - 1) != 64)) goto bad;
    if (plus) { memcpy(wkey, plus + 1, 64); wkey[64] = 0; }
    uint64_t size = 0;
    for (size_t k = i + 65; k < i + 65 + digits; k++) {
      if (t[k] < '0' || t[k] > '9') goto bad;
      size = size * 10 + (uint64_t)(t[k] - '0');
    }
    if (manifest_add_sealed(m, id, size, wkey)) goto bad;
    i += ll + 1;
  }
  return 0;
bad:
  manifest_free(m);
  return CAIRN_EINVAL;
}

char *manifest_encode(const struct manifest *m) {
  sbuf_t b = {0};
  for (size_t i = 0; i < m->n; i++)
    sbuf_printf(&b, "%s+%llu%s%s\n", m->b[i].id, (unsigned long long)m->b[i].size, *m->b[i].wkey ? "+" : "", m->b[i].wkey);
  return sbuf_steal(&b);
}

size_t manifest_find(const struct manifest *m, uint64_t off) {
  if (off >= m->total) return m->n;
  size_t lo = 0, hi = m->n;   /* the last block whose offset <= off, skipping empty blocks */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (m->b[mid].offset <= off) lo = mid; else hi = mid;
  }
  while (lo < m->n && m->b[lo].size == 0) lo++;
  return lo;
}
