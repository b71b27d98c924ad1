/* cmd_blocks.c - `cairn put-block FILE|-` and `cairn get-block LOCATOR [-o FILE]`. A block is at
 * most max_block bytes, so the client holds one in memory; get-block verifies the hash before a
 * single byte reaches stdout or the output file (written temp + fsync + rename). */
#include "cli.h"
#include "../client/client.h"
#include "../crypto/hash.h"
#include "../store/locator.h"
#include "../util/alloc.h"
#include "../util/sbuf.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CLI_MAX_BLOCK (64u << 20)   /* client-side cap; the server enforces its own max_block */

static int read_input(const char *path, sbuf_t *b) {
  int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
  if (fd < 0) return cli_fail("cannot open %s: %s", path, strerror(errno));
  char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) {
    if (b->len + (size_t)n > CLI_MAX_BLOCK) { if (fd) close(fd); return cli_fail("%s is larger than a block can be", path); }
    sbuf_add(b, buf, (size_t)n);
  }
  if (fd) close(fd);
  if (n < 0) return cli_fail("cannot read %s: %s", path, strerror(errno));
  if (!b->s) sbuf_add(b, "", 0);
  return 0;
}

int cmd_put_block(int argc, char **argv) {
  if (argc != 1) return cli_fail("usage: cairn put-block FILE|-");
  sbuf_t b = {0};
  if (read_input(argv[0], &b)) { sbuf_free(&b); return 1; }
  char id[65], path[128];
  sha256_hex(b.s, b.len, id);
  snprintf(path, sizeof path, "/v1/blocks/%s+%zu", id, b.len);
  struct client c;
  client_init(&c);
  struct client_resp resp;
  int rc = client_do(&c, "PUT", path, b.s, b.len, id, 4096, &resp);
  sbuf_free(&b);
  if (rc) { client_resp_free(&resp); return cli_fail("%s", resp.error); }
  if (resp.status != 200) {
    char msg[600];
    client_error_text(&resp, msg, sizeof msg);
    client_resp_free(&resp);
    return cli_fail("put-block failed: %s", msg);
  }
  fputs(resp.body.s, stdout);
  client_resp_free(&resp);
  return 0;
}

static int write_file(const char *out, const sbuf_t *b) {
  char *tmp = xasprintf("%s.cairn-tmp.%d", out, (int)getpid());
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), rc = 0;
  if (fd < 0) { rc = cli_fail("cannot create %s: %s", tmp, strerror(errno)); goto out; }
  if (write(fd, b->s, b->len) != (ssize_t)b->len || fsync(fd)) rc = cli_fail("cannot write %s: %s", tmp, strerror(errno));
  close(fd);
  if (!rc && rename(tmp, out)) rc = cli_fail("cannot rename to %s: %s", out, strerror(errno));
  if (rc) unlink(tmp);
out:
  xfree(tmp);
  return rc;
}

int cmd_get_block(int argc, char **argv) {
  const char *loc = NULL, *out = NULL;
  int direct = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-o") && i + 1 < argc) out = argv[++i];
    else if (!strcmp(argv[i], "--direct")) direct = 1;
    else if (!loc) loc = argv[i];
    else return cli_fail("usage: cairn get-block [--direct] LOCATOR [-o FILE]");
  }
  struct locator l;
  if (!loc) return cli_fail("usage: cairn get-block [--direct] LOCATOR [-o FILE]");
  if (locator_parse(loc, &l)) return cli_fail("'%s' is not a block locator", loc);
  char path[LOCATOR_MAX + 16];
  snprintf(path, sizeof path, "/v1/blocks/%s", loc);
  struct client c;
  client_init(&c);
  c.direct = direct;
  struct client_resp resp;
  if (client_do(&c, "GET", path, NULL, 0, NULL, CLI_MAX_BLOCK, &resp)) {
    client_resp_free(&resp);
    return cli_fail("%s", resp.error);
  }
  int rc = 0;
  char got[65], msg[600];
  if (resp.status != 200) {
    client_error_text(&resp, msg, sizeof msg);
    rc = cli_fail("get-block failed: %s", msg);
    goto done;
  }
  sha256_hex(resp.body.s, resp.body.len, got);
  if (strcmp(got, l.id) || (l.size >= 0 && (size_t)l.size != resp.body.len)) {
    rc = cli_fail("block %s failed verification (received data hashes to %s); nothing written", l.id, got);
    goto done;
  }
  if (out) rc = write_file(out, &resp.body);
  else if (fwrite(resp.body.s, 1, resp.body.len, stdout) != resp.body.len || fflush(stdout))
    rc = cli_fail("cannot write to stdout");
done:
  client_resp_free(&resp);
  return rc;
}
