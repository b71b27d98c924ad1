/* test_config.c - defaults, typed setters, precedence of file < environment < flags. */
#include "test.h"
#include "config/config.h"
#include "util/err.h"
#include <stdlib.h>

static void defaults(void) {
  struct config c;
  config_defaults(&c);
  ASSERT_STREQ(c.listen, "127.0.0.1:9000");
  ASSERT_STREQ(c.data_dir, "./cairn-data");
  ASSERT_EQ(c.max_block, 8 << 20);
  ASSERT_EQ(c.buffers, 64);
  ASSERT_EQ(c.buffer_size, 1 << 20);
  ASSERT_EQ(c.replicas, 1);
  ASSERT_EQ(c.trash_lifetime_ms, 86400000);
  ASSERT_STREQ(c.verify_reads, "always");
  ASSERT_STREQ(c.verify_dedup, "size");
  config_free(&c);
}

static void setters(void) {
  struct config c;
  char err[200];
  config_defaults(&c);
  ASSERT_EQ(config_set(&c, "max-block", "4MiB", err, sizeof err), 0);
  ASSERT_EQ(c.max_block, 4 << 20);
  ASSERT_EQ(config_set(&c, "verify_reads", "sometimes", err, sizeof err), CAIRN_EINVAL);
  ASSERT(strstr(err, "always|never"));
  ASSERT_EQ(config_set(&c, "nope", "1", err, sizeof err), CAIRN_ENOENT);
  ASSERT_EQ(config_set(&c, "replicas", "-1", err, sizeof err), CAIRN_EINVAL);
  ASSERT_EQ(config_set(&c, "buffer_wait", "250ms", err, sizeof err), 0);
  ASSERT_EQ(c.buffer_wait_ms, 250);
  config_free(&c);
}

static void precedence(void) {
  const char *dir = test_tmpdir();
  char path[256];
  snprintf(path, sizeof path, "%s/cairn.conf", dir);
  FILE *f = fopen(path, "w");
  ASSERT(f);
  fprintf(f, "[server]\nreplicas = 3\nregion = eu-west-1\nbuffers = 7\n");
  fclose(f);
  setenv("CAIRN_REGION", "ap-south-1", 1);
  setenv("CAIRN_BUFFERS", "9", 1);
  char *argv[] = {"--config", path, "--buffers=11", "--listen", "127.0.0.1:0"};
  struct config c;
  char err[200] = "";
  int rc = config_load(&c, 5, argv, NULL, err, sizeof err);
  unsetenv("CAIRN_REGION");
  unsetenv("CAIRN_BUFFERS");
  ASSERT_EQ(rc, 0);
  ASSERT_EQ(c.replicas, 3);              /* file */
  ASSERT_STREQ(c.region, "ap-south-1");  /* env beats file */
  ASSERT_EQ(c.buffers, 11);              /* flag beats env */
  ASSERT_STREQ(c.listen, "127.0.0.1:0");
  config_free(&c);
  char *bad[] = {"--buffers"};
  ASSERT(config_load(&c, 1, bad, NULL, err, sizeof err) != 0);
  ASSERT(strstr(err, "needs a value"));
  config_free(&c);
  char *stray[] = {"serve"};
  ASSERT(config_load(&c, 1, stray, NULL, err, sizeof err) != 0);
  config_free(&c);
}

void suite_config(void) { RUN(defaults); RUN(setters); RUN(precedence); }
