/* mime.h - a file name's media type from the system's table (Debian media-types:
 * /etc/mime.types, read once), for /fs and /dav: browsers show what they can instead of
 * downloading everything. */
#ifndef CAIRN_MIME_H
#define CAIRN_MIME_H

/* "text/markdown; charset=utf-8", "image/png", ... by the last extension (case-insensitive);
 * application/octet-stream when unknown or without one. Text types carry charset=utf-8. */
const char *mime_type(const char *name);
/* Replaces the table with the one at path (tests; not while other threads look types up). */
void mime_load(const char *path);

#endif
