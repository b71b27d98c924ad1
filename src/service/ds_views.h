/* ds_views.h - parsed dataset manifests shared by the requests that read one version (/fs, /dav):
 * a version's manifest is parsed once and kept while it is in use or among the most recently used
 * within a byte budget (manifest_cache), instead of parsing a 100,000-entry manifest for every
 * file served. Versions are immutable (the id is the manifest's hash), so an entry never changes. */
#ifndef CAIRN_DS_VIEWS_H
#define CAIRN_DS_VIEWS_H
#include "../dataset/dsmanifest.h"
#include <stddef.h>

typedef struct ds_views ds_views_t;
typedef struct ds_view ds_view_t;

ds_views_t *ds_views_create(size_t budget_bytes);   /* 0: nothing kept after use */
void ds_views_destroy(ds_views_t *c);                 /* after every view was released */
/* The parsed manifest kept under key (the caller's: dataset and version), shared; NULL when it is
 * not kept (then parse it and add it). */
ds_view_t *ds_views_get(ds_views_t *c, const char *key);
/* Adds a parsed manifest (taken over) under key; returns the view to use (an equal one another
 * thread added meanwhile wins, and m is freed). cost: bytes to count against the budget. */
ds_view_t *ds_views_add(ds_views_t *c, const char *key, struct ds_manifest *m, size_t cost);
const struct ds_manifest *ds_view_manifest(const ds_view_t *v);
void ds_views_release(ds_views_t *c, ds_view_t *v);
/* Entries and bytes kept (tests, metrics). */
void ds_views_stats(ds_views_t *c, size_t *entries, size_t *bytes);

#endif
