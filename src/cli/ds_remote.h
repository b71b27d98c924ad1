/* ds_remote.h - what the dataset commands share: parsing NAME:TAG, resolving a tag to a version
 * and fetching (and checking) a version's manifest, fetching a verified block. */
#ifndef CAIRN_DS_REMOTE_H
#define CAIRN_DS_REMOTE_H
#include "../client/client.h"
#include "../dataset/dsmanifest.h"
#include <stdint.h>

struct ds_ref { char name[160]; char tag[160]; char version[65]; };

/* "NAME:TAG" (tag required when need_tag) into r; 0 or prints a message and returns 1. */
int ds_parse_ref(const char *spec, int need_tag, struct ds_ref *r);
/* Looks the tag up (r->version); a 64-hex "tag" is taken as a version id. 0 or 1 (printed). */
int ds_resolve(struct ds_ref *r);
/* Fetches and checks the manifest of r->version. 0 or 1 (printed). */
int ds_fetch_manifest(const struct ds_ref *r, struct ds_manifest *m);
/* GETs block id (size bytes) into buf and checks its hash. 0, or CAIRN_ECORRUPT / CAIRN_EIO with
 * msg filled. */
int ds_fetch_block(struct client *c, const char *id, uint64_t size, char *buf, char *msg, size_t cap);

#endif
