/* ui_pack.h - the web console's files as one blob embedded in the binary at build time
 * (scripts/ui_pack.sh writes it from ui/dist): look a file up by its path under /ui/. */
#ifndef CAIRN_UI_PACK_H
#define CAIRN_UI_PACK_H
#include <stddef.h>

struct ui_file { const char *path; const char *data; size_t size; };

/* The blob is a sequence of records "PATH\nSIZE\n" + SIZE bytes; PATH is relative ("index.html",
 * "assets/app-1f2e.js"), without "..", NUL or a leading slash. Finds path in it: 0 and *f, else -1
 * (also for a malformed blob, which is never read past its end). */
int ui_pack_find(const char *blob, size_t len, const char *path, struct ui_file *f);

#endif
