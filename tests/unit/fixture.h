/* fixture.h - shared set-up of the unit suites (fixture.c). */
#ifndef CAIRN_TEST_FIXTURE_H
#define CAIRN_TEST_FIXTURE_H
#include "config/config.h"
#include "meta/meta.h"
#include "service/svc.h"

/* Defaults, a temp data_dir, `buffers` pool buffers of 1 MiB; NULL (after a message) on failure. */
svc_t *fixture_svc_open(struct config *cfg, const char *buffers);
/* A fresh, empty metadata database: SQLite in a temp directory, or, when CAIRN_TEST_PG names a
 * PostgreSQL database, that database emptied (its public schema dropped). NULL when none.
 * fixture_meta_open: it opened; 0 or an error code. */
const char *fixture_meta_where(void);
int fixture_meta_open(meta_t **m);

#endif
