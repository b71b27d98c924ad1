/* manifest.h - an object's or file's byte stream as an ordered list of blocks. Text encoding, one
 * block per line: "<sha256>+<size>\n", or for an encrypted chunk "<sha256>+<size>+<wrapped key>\n"
 * (crypto/chunk_cipher.h: the block then holds size + 16 bytes). Finding the blocks of a byte range
 * is a binary search over the cumulative offsets (of plaintext bytes). */
#ifndef CAIRN_MANIFEST_H
#define CAIRN_MANIFEST_H
#include <stddef.h>
#include <stdint.h>

struct mblock { char id[65]; uint64_t size, offset; char wkey[65]; };   /* wkey "": not encrypted */
struct manifest { struct mblock *b; size_t n, cap; uint64_t total; };

void manifest_init(struct manifest *m);
void manifest_free(struct manifest *m);
int manifest_add(struct manifest *m, const char *id, uint64_t size);   /* CAIRN_EINVAL on a bad id */
/* An encrypted chunk: size plaintext bytes, wkey its wrapped key (64 hex digits). */
int manifest_add_sealed(struct manifest *m, const char *id, uint64_t size, const char *wkey);
/* Parses the text encoding; 0 or CAIRN_EINVAL (m is left empty). max_blocks bounds memory. */
int manifest_parse(const char *text, size_t len, size_t max_blocks, struct manifest *m);
char *manifest_encode(const struct manifest *m);   /* heap; caller xfrees */
/* Index of the block holding byte `off` (off < total), or m->n when out of range. */
size_t manifest_find(const struct manifest *m, uint64_t off);

#endif
