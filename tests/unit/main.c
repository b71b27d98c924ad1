/* main.c - runs every unit-test suite (or those named as arguments) and prints "N passed, N failed". */
#include "test.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int test_failed_now;
static int passed, failed;
static char *dirs[64];
static int ndirs;

void test_run(const char *name, test_fn fn) {
  test_failed_now = 0;
  fn();
  if (test_failed_now) { failed++; printf("not ok - unit %s\n", name); }
  else { passed++; printf("ok - unit %s\n", name); }
  fflush(stdout);
}

const char *test_tmpdir(void) {
  char *d = strdup("/tmp/cairn-unit-XXXXXX");
  if (!mkdtemp(d) || ndirs == 64) abort();
  dirs[ndirs++] = d;
  return d;
}

#define SUITES(X) X(hex) X(mempool) X(timeutil) X(config) X(range) X(locator) X(sigv4) X(sigv2) X(seal) \
  X(bufpool) X(volume) X(store) X(err) X(fastcdc) X(manifest) X(awschunk) X(base64) X(dsmanifest) X(meta) \
  X(s3_classify) X(authz) X(service) X(tasks) X(lifecycle) X(cors) X(post_policy) X(bucket_settings) X(versions) X(sse) X(s3_checksum) X(spaces) X(openapi) X(browse) X(ui)
#define DECL(s) void suite_##s(void);
SUITES(DECL)

static int wanted(int argc, char **argv, const char *name) {
  if (argc < 2) return 1;
  for (int i = 1; i < argc; i++) if (!strcmp(argv[i], name)) return 1;
  return 0;
}

int main(int argc, char **argv) {
#define CALL(s) if (wanted(argc, argv, #s)) suite_##s();
  SUITES(CALL)
  for (int i = 0; i < ndirs; i++) {
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dirs[i]);
    if (system(cmd)) {}
    free(dirs[i]);
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
