/* cmd_fsck.c - `cairn fsck DIR...`: verify every block of local volume directories without a
 * server; corrupt blocks are quarantined and the exit status is 1 when any were found. */
#include "cli.h"
#include "../store/store.h"
#include "../util/err.h"
#include <stdio.h>

int cmd_fsck(int argc, char **argv) {
  if (argc < 1) return cli_fail("usage: cairn fsck DIR...");
  uint64_t corrupt = 0;
  for (int i = 0; i < argc; i++) {
    struct vol_opts o = {.keep_tmp = 1};
    vol_t *v;
    int rc = vol_open_local(argv[i], &o, &v);
    if (rc) return cli_fail("cannot open volume %s: %s", argv[i], cairn_strerror(rc));
    struct fsck_report rep;
    rc = store_fsck_volume(v, NULL, NULL, &rep);
    vol_close(v);
    if (rc) return cli_fail("fsck of %s failed: %s", argv[i], cairn_strerror(rc));
    printf("%s: %llu blocks, %llu bytes, %llu corrupt%s\n", argv[i], (unsigned long long)rep.blocks,
           (unsigned long long)rep.bytes, (unsigned long long)rep.corrupt,
           rep.corrupt ? " (moved to quarantine/)" : "");
    corrupt += rep.corrupt;
  }
  return corrupt ? 1 : 0;
}
