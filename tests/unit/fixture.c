/* fixture.c - a service layer on a fresh temp data directory, for the suites that need one
 * (test_service.c, test_versions.c, test_sse.c). */
#include "test.h"
#include "fixture.h"
#include "service/admin.h"
#include <stdio.h>

svc_t *fixture_svc_open(struct config *cfg, const char *buffers) {
  config_defaults(cfg);
  char err[256];
  config_set(cfg, "data_dir", test_tmpdir(), err, sizeof err);
  config_set(cfg, "buffers", buffers, err, sizeof err);
  config_set(cfg, "buffer_size", "1MiB", err, sizeof err);
  svc_t *s = NULL;
  int created;
  struct user_keys k;
  if (svc_open(cfg, &s, &created, &k, err, sizeof err)) { fprintf(stderr, "svc_open: %s\n", err); return NULL; }
  return s;
}
