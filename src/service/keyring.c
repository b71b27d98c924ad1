/* keyring.c - load or create the server key; derive sub-keys with HMAC-SHA256(key, purpose). */
#include "keyring.h"
#include "../crypto/hash.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int read_all(const char *path, uint8_t key[32]) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return cairn_from_errno(errno);
  ssize_t n = read(fd, key, 32);
  close(fd);
  return n == 32 ? 0 : CAIRN_EIO;
}

static int create_key(const char *path, uint8_t key[32]) {
  if (crypto_random(key, 32)) return CAIRN_EIO;
  char *tmp = xasprintf("%s.tmp", path);
  int rc = 0, fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) rc = cairn_from_errno(errno);
  else {
    if (write(fd, key, 32) != 32 || fsync(fd)) rc = CAIRN_EIO;
    close(fd);
    if (!rc && link(tmp, path)) rc = errno == EEXIST ? read_all(path, key) : cairn_from_errno(errno);
    unlink(tmp);
  }
  xfree(tmp);
  return rc;
}

int keyring_load(const char *data_dir, int create, struct keyring *out) {
  char *path = xasprintf("%s/server.key", data_dir);
  uint8_t key[32];
  int rc = read_all(path, key);
  if (rc == CAIRN_ENOENT && create) rc = create_key(path, key);   /* link(): first creator wins */
  xfree(path);
  if (rc) return rc;
  hmac_sha256(key, 32, "cairn seal v1", 13, out->seal);
  hmac_sha256(key, 32, "cairn blob signing v1", 21, out->blob_sign);
  hmac_sha256(key, 32, "cairn sse v1", 12, out->sse);
  memset(key, 0, sizeof key);
  return 0;
}
