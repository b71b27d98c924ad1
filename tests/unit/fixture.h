/* fixture.h - shared set-up of the unit suites (fixture.c). */
#ifndef CAIRN_TEST_FIXTURE_H
#define CAIRN_TEST_FIXTURE_H
#include "config/config.h"
#include "service/svc.h"

/* Defaults, a temp data_dir, `buffers` pool buffers of 1 MiB; NULL (after a message) on failure. */
svc_t *fixture_svc_open(struct config *cfg, const char *buffers);

#endif
