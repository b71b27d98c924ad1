/* datasets.h - dataset operations without HTTP, each authorizing its caller: commit a version
 * (canonical manifest; every block present and one the caller has uploaded), resolve tags, move
 * and delete them, list, the public flag; name rules; version vs floating tags. The owner (the
 * first pusher) and admins write; others read public datasets only. */
#ifndef CAIRN_SERVICE_DATASETS_H
#define CAIRN_SERVICE_DATASETS_H
#include "svc.h"
#include "ds_views.h"
#include "../meta/meta.h"   /* the record types it hands out */
#include <stddef.h>

/* Dataset names: [a-z0-9][a-z0-9._-]*, at most 128. Tags: [A-Za-z0-9][A-Za-z0-9._-]*, at most 128. */
int datasets_name_ok(const char *name);
int datasets_tag_ok(const char *tag);
/* Version tags never move: they start with a digit, or with 'v' and a digit (v1.2, 2026-11-25).
 * Every other tag (latest, stable) floats. */
int datasets_tag_floats(const char *tag);

/* Parses, checks and canonicalizes a manifest and stores it as a version of name (created on
 * first use, owned by the caller). 0 with id_out; CAIRN_EINVAL with *why; CAIRN_EAUTH when the
 * caller may not write the dataset, or when the manifest names blocks the caller never uploaded
 * (listed in missing_out whether or not they exist: nothing is revealed); CAIRN_ENOENT when blocks
 * are missing. missing_out: heap "id+size\n" lines (the first 100), caller xfrees. */
int svc_ds_commit(svc_t *s, const struct principal *p, const char *name, const char *json, size_t len,
                  char id_out[65], const char **why, char **missing_out);
/* The dataset row after checking read (write=0) or write access. ENOENT, EAUTH. */
int svc_ds_get(svc_t *s, const struct principal *p, const char *name, int write, struct meta_dataset *out);
/* Datasets the caller can read, name > after, at most limit rows looked at. */
int svc_ds_list(svc_t *s, const struct principal *p, const char *after, int limit, meta_dataset_cb cb, void *ctx);
/* Resolves tag (or a 64-hex version id) and returns the version's canonical manifest (heap,
 * caller xfrees) with its id; *immutable when the bytes can never change (a version tag or id). */
int svc_ds_open(svc_t *s, const struct principal *p, const char *name, const char *tag, char version[65],
                int *immutable, int *public_read, char **manifest);
/* svc_ds_open's parsed manifest, shared with other readers of the version (ds_views.h): read
 * ds_view_manifest(*out) until svc_ds_view_close. */
int svc_ds_view_open(svc_t *s, const struct principal *p, const char *name, const char *tag, char version[65],
                     int *immutable, int *public_read, ds_view_t **out);
void svc_ds_view_close(svc_t *s, ds_view_t *v);
int svc_ds_version_get(svc_t *s, const struct principal *p, const char *name, const char *id, struct meta_dsversion *out);
/* {"<id>+<size>": "<signed locator>", ...} for every block of a readable version (heap JSON). */
int svc_ds_locators(svc_t *s, const struct principal *p, const char *name, const char *id, char **json);
int svc_ds_tag_get(svc_t *s, const struct principal *p, const char *name, const char *tag, struct meta_dstag *out);
int svc_ds_tag_set(svc_t *s, const struct principal *p, const char *name, const struct meta_dstag *t);
/* A counter that moves whenever a tag may have moved, here or (heard by meta_listen) on another
 * node: a long poll looks at the database again only when it moved (or now and then). */
uint64_t svc_ds_generation(svc_t *s);
int svc_ds_tag_delete(svc_t *s, const struct principal *p, const char *name, const char *tag);
int svc_ds_tag_list(svc_t *s, const struct principal *p, const char *name, const char *after, int limit,
                    meta_dstag_cb cb, void *ctx);
int svc_ds_tag_history(svc_t *s, const struct principal *p, const char *name, const char *tag, meta_dstag_cb cb, void *ctx);
int svc_ds_set_public(svc_t *s, const struct principal *p, const char *name, int on);   /* owner, admin */

#endif
