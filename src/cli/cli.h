/* cli.h - subcommand entry points (one file each) and shared CLI helpers. */
#ifndef CAIRN_CLI_H
#define CAIRN_CLI_H

#define CAIRN_VERSION "0.1.0"

int cmd_serve(int argc, char **argv);
int cmd_put_block(int argc, char **argv);
int cmd_get_block(int argc, char **argv);
int cmd_fsck(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_migrate(int argc, char **argv);   /* cmd_migrate.c */
int cmd_project(int argc, char **argv);   /* cmd_project.c */
int cmd_home(int argc, char **argv);
int cmd_gc(int argc, char **argv);
int cmd_balance(int argc, char **argv);   /* cmd_task.c */
int cmd_task(int argc, char **argv);
int cmd_presign(int argc, char **argv);
int cmd_bucket(int argc, char **argv);
int cmd_push(int argc, char **argv);
int cmd_pull(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_cat(int argc, char **argv);
int cmd_tag(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_dataset(int argc, char **argv);
int cmd_mount(int argc, char **argv);

#include "../client/client.h"
#include <stddef.h>

/* Sends one request; on a transport error or a non-2xx answer prints the one-line error and
 * returns 1 (resp already freed); on success returns 0 and the caller frees resp. */
int cli_call(const char *what, const char *method, const char *path, const char *body, size_t len,
             const char *payload_hash, size_t max_body, struct client_resp *resp);

/* Prints "cairn: <message>" on stderr and returns 1 (the exit status of a failed command). */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
