/* cmd_migrate.c - `cairn migrate --to postgres://... [--data-dir DIR]`: copies an embedded
 * installation's metadata (DIR/meta.db) into an empty PostgreSQL database, in one transaction, so
 * that nodes started with meta = that URL serve it. Stop `cairn serve` first; blocks stay where
 * they are (move them onto a shared store with `cairn balance` once it exists, or copy the volume). */
#include "cli.h"
#include "../config/config.h"
#include "../meta/meta.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <stdio.h>
#include <string.h>

int cmd_migrate(int argc, char **argv) {
  const char *to = NULL, *data = "./cairn-data";
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--to") && i + 1 < argc) to = argv[++i];
    else if ((!strcmp(argv[i], "--data-dir") || !strcmp(argv[i], "--data")) && i + 1 < argc) data = argv[++i];
    else return cli_fail("usage: cairn migrate --to postgres://USER:PASSWORD@HOST:PORT/DB [--data-dir DIR]");
  }
  if (!to || !meta_is_postgres(to))
    return cli_fail("migrate needs --to postgres://USER:PASSWORD@HOST:PORT/DB");
  char *db = xasprintf("%s/meta.db", data);
  FILE *f = fopen(db, "rb");
  if (!f) { int r = cli_fail("no embedded metadata at %s", db); xfree(db); return r; }
  fclose(f);
  uint64_t rows = 0;
  char err[512] = "";
  int rc = meta_copy(db, to, &rows, err, sizeof err);
  xfree(db);
  if (rc) return cli_fail("migrate: %s", err);
  printf("copied %llu rows of %s/meta.db to %s\n", (unsigned long long)rows, data, config_redact_url(to));
  printf("start every node with meta = that URL and %s/server.key in its data directory\n", data);
  return 0;
}
