/* fixture.c - a fresh metadata database (SQLite, or PostgreSQL when CAIRN_TEST_PG is set: the
 * same suites then run on it) and a service layer on a fresh temp data directory over it, for the
 * suites that need them (test_meta.c, test_tasks.c, test_spaces.c, test_service.c, ...). */
#include "test.h"
#include "fixture.h"
#include "service/admin.h"
#include "util/alloc.h"
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>

svc_t *fixture_svc_open(struct config *cfg, const char *buffers) {
  config_defaults(cfg);
  char err[256];
  config_set(cfg, "data_dir", test_tmpdir(), err, sizeof err);
  config_set(cfg, "buffers", buffers, err, sizeof err);
  config_set(cfg, "buffer_size", "1MiB", err, sizeof err);
  const char *pg = getenv("CAIRN_TEST_PG");
  if (pg && *pg) {
    if (!fixture_meta_where()) return NULL;
    config_set(cfg, "meta", pg, err, sizeof err);
  }
  svc_t *s = NULL;
  int created;
  struct user_keys k;
  if (svc_open(cfg, &s, &created, &k, err, sizeof err)) { fprintf(stderr, "svc_open: %s\n", err); return NULL; }
  return s;
}

const char *fixture_meta_where(void) {
  static char path[512];
  const char *pg = getenv("CAIRN_TEST_PG");
  if (!pg || !*pg) {
    snprintf(path, sizeof path, "%s/meta.db", test_tmpdir());
    return path;
  }
  PGconn *c = PQconnectdb(pg);
  PGresult *r = PQstatus(c) == CONNECTION_OK ? PQexec(c, "SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public") : NULL;
  int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
  if (!ok) fprintf(stderr, "CAIRN_TEST_PG: %s", PQerrorMessage(c));
  PQclear(r);
  PQfinish(c);
  return ok ? pg : NULL;
}

int fixture_meta_open(meta_t **m) {
  const char *where = fixture_meta_where();
  return where ? meta_open(where, m) : -1;
}
