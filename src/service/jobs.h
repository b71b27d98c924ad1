/* jobs.h - the server's own periodic work as task kinds: garbage collection ("gc"), emptying
 * expired trash ("trash") and applying lifecycle rules ("lifecycle"), and the scheduler thread
 * that queues each on its interval (coalesced: never two of a kind queued or running). */
#ifndef CAIRN_JOBS_H
#define CAIRN_JOBS_H
#include "svc.h"

void jobs_register(svc_t *s);   /* the kinds, into s->tasks */
void jobs_scheduler_start(svc_t *s);
void jobs_scheduler_stop(svc_t *s);

#endif
