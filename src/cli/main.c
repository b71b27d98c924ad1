/* main.c - the cairn binary: subcommand dispatch, help and version. */
#include "cli.h"
#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cli_fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("cairn: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return 1;
}

static const struct { const char *name; int (*fn)(int, char **); const char *help; } cmds[] = {
  {"serve", cmd_serve, "run the gateway (cairn serve --help lists every setting)"},
  {"put-block", cmd_put_block, "put-block FILE|-: store a block, print its signed locator"},
  {"get-block", cmd_get_block, "get-block [--direct] LOCATOR [-o FILE]: fetch and verify a block (--direct: from the store by presigned redirect)"},
  {"fsck", cmd_fsck, "fsck DIR...: verify every block of volume dirs, quarantine corrupt ones"},
  {"presign", cmd_presign, "presign [--expires 15m] [--put] s3://bucket/key: print a presigned URL"},
  {"bucket", cmd_bucket, "bucket public|acl|share|unshare|policy|show NAME ...: share a bucket (owner or admin)"},
  {"push", cmd_push, "push [-q] [-j N] NAME[:TAG,...] DIR|ARCHIVE: upload a dataset version (only missing chunks)"},
  {"pull", cmd_pull, "pull [-q] [--follow] [--direct] NAME:TAG DIR: rebuild a dataset version in DIR (verified, resumable)"},
  {"ls", cmd_ls, "ls [NAME[:TAG [PATH]]]: datasets, a dataset's tags, or a version's files"},
  {"cat", cmd_cat, "cat NAME:TAG PATH: write a file of a dataset version to stdout (verified)"},
  {"tag", cmd_tag, "tag NAME:SRC NAME:DST | tag history NAME:TAG: point a tag, show its moves"},
  {"rm", cmd_rm, "rm NAME:TAG: remove a tag (untagged versions are collected after gc_grace)"},
  {"diff", cmd_diff, "diff NAME:A NAME:B: added, removed, changed files and the bytes they share"},
  {"dataset", cmd_dataset, "dataset public NAME on|off: anonymous reads of a dataset (admin)"},
  {"mount", cmd_mount, "mount NAME:TAG MOUNTPOINT: read-only FUSE mount of a dataset version"},
  {"gc", cmd_gc, "gc: collect unreferenced blocks now and print the report (admin; also runs every gc_interval)"},
  {"balance", cmd_balance, "balance: copy blocks to the volumes that should hold them, trash misplaced copies; print the report (admin; also every balance_interval)"},
  {"task", cmd_task, "task ls [--state S] [--kind K] | show ID | cancel ID | wait ID: background tasks"},
  {"migrate", cmd_migrate, "migrate --to postgres://... [--data-dir DIR]: copy an embedded installation's metadata to PostgreSQL"},
  {"user", cmd_user, "user add NAME [--admin] | list | rm NAME  [--data DIR]: manage users"},
  {"project", cmd_project, "project add|set ID [--quota GB] [--member USER:ROLE]... | ls | show ID | rm ID: project spaces"},
  {"home", cmd_home, "home add|set USER [--quota GB] | show USER | rm USER: home spaces"},
};

static int usage(FILE *f) {
  fprintf(f, "cairn %s - a storage gateway\n\nusage: cairn COMMAND [ARGS]\n\ncommands:\n", CAIRN_VERSION);
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].help);
  fprintf(f, "  %-10s %s\n  %-10s %s\n", "version", "print the version", "help", "this text");
  fprintf(f, "\nclient commands talk to CAIRN_URL (default http://127.0.0.1:9000) with CAIRN_ACCESS_KEY\n"
             "and CAIRN_SECRET_KEY, or the keys in ~/.config/cairn/credentials.\n");
  return f == stdout ? 0 : 2;
}

int main(int argc, char **argv) {
  if (argc < 2) return usage(stderr);
  const char *c = argv[1];
  if (!strcmp(c, "help") || !strcmp(c, "--help") || !strcmp(c, "-h")) return usage(stdout);
  if (!strcmp(c, "version") || !strcmp(c, "--version")) { printf("cairn %s\n", CAIRN_VERSION); return 0; }
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
    if (strcmp(c, cmds[i].name)) continue;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = cmds[i].fn(argc - 2, argv + 2);
    curl_global_cleanup();
    return rc;
  }
  cli_fail("unknown command '%s' (try 'cairn help')", c);
  return 2;
}
