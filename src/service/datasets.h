/* datasets.h - dataset operations without HTTP: commit a version (canonical manifest, every block
 * present), name rules, version vs floating tags. */
#ifndef CAIRN_SERVICE_DATASETS_H
#define CAIRN_SERVICE_DATASETS_H
#include "../meta/meta.h"
#include "../store/store.h"
#include <stddef.h>

/* Dataset names: [a-z0-9][a-z0-9._-]*, at most 128. Tags: [A-Za-z0-9][A-Za-z0-9._-]*, at most 128. */
int datasets_name_ok(const char *name);
int datasets_tag_ok(const char *tag);
/* Version tags never move: they start with a digit, or with 'v' and a digit (v1.2, 2026-11-25).
 * Every other tag (latest, stable) floats. */
int datasets_tag_floats(const char *tag);

/* Parses, checks and canonicalizes a manifest and stores it as a version of name (created on
 * first use). 0 with id_out; CAIRN_EINVAL with *why; CAIRN_ENOENT when blocks are missing: the
 * first few are in missing_out (heap "id+size\n" lines, caller xfrees). */
int datasets_commit(meta_t *m, store_t *s, const char *name, const char *json, size_t len,
                    char id_out[65], const char **why, char **missing_out);

#endif
