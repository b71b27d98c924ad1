/* progress.h - a one-line progress bar on stderr for push and pull (bytes, rate, ETA), drawn at
 * most ten times a second, only when enabled (a terminal and no -q). */
#ifndef CAIRN_PROGRESS_H
#define CAIRN_PROGRESS_H
#include <stdint.h>

struct progress;
struct progress *progress_new(int enabled, const char *label, uint64_t total);
void progress_update(struct progress *p, uint64_t done);
void progress_done(struct progress *p, uint64_t done);   /* final line, frees p */

#endif
