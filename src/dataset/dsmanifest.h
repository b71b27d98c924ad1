/* dsmanifest.h - a dataset version's manifest: the files of a tree (path, type, mode, size, mtime,
 * block list; symlinks with their target) and its canonical JSON encoding, whose SHA-256 is the
 * version id, so the same tree always has the same id. Pure: shared by the server (validate,
 * canonicalize), the CLI (push, pull) and the fuzz target. */
#ifndef CAIRN_DSMANIFEST_H
#define CAIRN_DSMANIFEST_H
#include "../chunk/manifest.h"
#include <stddef.h>
#include <stdint.h>

enum ds_type { DS_FILE, DS_DIR, DS_LINK };

struct ds_entry {
  char *path;              /* relative, '/'-separated, no "." / ".." / empty components */
  enum ds_type type;
  unsigned mode;           /* permission bits (07777) */
  uint64_t size;           /* files: sum of the blocks */
  int64_t mtime;           /* seconds since the epoch */
  char *target;            /* symlinks */
  struct manifest blocks;  /* files */
};

struct ds_manifest { struct ds_entry *e; size_t n, cap; };

#define DS_MAX_PATH 4096

void dsm_init(struct ds_manifest *m);
void dsm_free(struct ds_manifest *m);
/* Appends an entry (path copied); fill the rest in place. */
struct ds_entry *dsm_add(struct ds_manifest *m, const char *path, enum ds_type type);
/* 1 when path is a safe relative path (see ds_entry.path). */
int dsm_path_ok(const char *path);
/* 1 when a symlink at path pointing at target stays inside the tree (relative, never above root). */
int dsm_link_ok(const char *path, const char *target);
/* Sorts by path and checks every entry: safe paths and link targets, no duplicates, sizes that
 * match the blocks. 0 or CAIRN_EINVAL with *why. */
int dsm_finish(struct ds_manifest *m, const char **why);
/* Canonical JSON (sorted keys, compact); heap, caller xfrees. Call dsm_finish first. */
char *dsm_encode(const struct ds_manifest *m);
/* Parses and checks (dsm_finish) a manifest; 0 or CAIRN_EINVAL with *why. */
int dsm_parse(const char *json, size_t len, struct ds_manifest *m, const char **why);
/* The version id: SHA-256 (hex) of the canonical encoding. */
void dsm_id(const char *canonical, char out[65]);
/* Totals over files. */
uint64_t dsm_bytes(const struct ds_manifest *m);
/* Binary search by path; NULL when absent. The manifest must be finished (sorted). */
const struct ds_entry *dsm_find(const struct ds_manifest *m, const char *path);
/* 1 when some entry lies under dir/ (archives may omit directory entries). */
int dsm_has_children(const struct ds_manifest *m, const char *dir);
/* Calls cb for each direct child of dir ("" = root) in order: its name and entry (NULL for an
 * implicit directory). */
typedef void (*dsm_child_cb)(void *ctx, const char *name, const struct ds_entry *e);
void dsm_children(const struct ds_manifest *m, const char *dir, dsm_child_cb cb, void *ctx);
/* Resolves path physically, component by component: each symlink met is replaced by its target
 * (relative to the link's directory), at most 40 times; ".." never climbs above the root. 0 with
 * the real path in out ("" for the root), or CAIRN_EINVAL for an escape or a loop. */
int dsm_resolve(const struct ds_manifest *m, const char *path, char out[DS_MAX_PATH + 1]);
/* Resolves path (dsm_resolve): the entry, or NULL
 * with *is_dir set for the root or an implicit directory (0 when nothing is there). */
const struct ds_entry *dsm_lookup(const struct ds_manifest *m, const char *path, int *is_dir);

#endif
