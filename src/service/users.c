/* users.c - user accounts over meta/ with secrets sealed by the keyring. */
#include "users.h"
#include "../crypto/hash.h"
#include "../crypto/seal.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/timeutil.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int users_valid_name(const char *n) {
  size_t len = strlen(n);
  if (len == 0 || len > 64) return 0;
  for (; *n; n++)
    if (!isalnum((unsigned char)*n) && *n != '-' && *n != '_' && *n != '.' && *n != '@') return 0;
  return 1;
}

static void random_chars(char *out, size_t n, const char *alphabet) {
  uint8_t r[64];
  size_t al = strlen(alphabet);
  crypto_random(r, n);
  for (size_t i = 0; i < n; i++) out[i] = alphabet[r[i] % al];   /* 256 % 32/64 == 0: unbiased */
  out[n] = 0;
}

int users_create(meta_t *m, const struct keyring *k, const char *name, const char *role,
                 struct user_keys *out) {
  if (!users_valid_name(name)) return CAIRN_EINVAL;
  if (strcmp(role, "admin") && strcmp(role, "user")) return CAIRN_EINVAL;
  memcpy(out->access_key, "CRN", 3);
  random_chars(out->access_key + 3, 17, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
  random_chars(out->secret, 40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
  struct meta_user u = {0};
  snprintf(u.name, sizeof u.name, "%s", name);
  snprintf(u.access_key, sizeof u.access_key, "%s", out->access_key);
  snprintf(u.role, sizeof u.role, "%s", role);
  u.enabled = 1;
  u.created_ms = time_now_ms();
  u.secret_sealed = seal_encrypt(k->seal, out->secret);
  if (!u.secret_sealed) return CAIRN_EIO;
  int rc = meta_user_add(m, &u);
  meta_user_clear(&u);
  return rc;
}

int users_secret(meta_t *m, const struct keyring *k, const char *access_key, char **secret, char name[65],
                 char role[16]) {
  struct meta_user u;
  int rc = meta_user_by_key(m, access_key, &u);
  if (rc) return rc;
  if (!u.enabled) { meta_user_clear(&u); return CAIRN_ENOENT; }
  *secret = seal_decrypt(k->seal, u.secret_sealed);
  snprintf(role, 16, "%s", u.role);
  snprintf(name, 65, "%s", u.name);
  meta_user_clear(&u);
  return *secret ? 0 : CAIRN_EIO;
}

static int count_cb(void *ctx, const struct meta_user *u) {
  (void)u;
  ++*(int *)ctx;
  return 0;
}

int users_bootstrap(meta_t *m, const struct keyring *k, const char *data_dir, int *created,
                    struct user_keys *out) {
  int n = 0;
  *created = 0;
  int rc = meta_user_list(m, count_cb, &n);
  if (rc || n) return rc;
  if ((rc = users_create(m, k, "admin", "admin", out))) return rc;
  char *path = xasprintf("%s/credentials", data_dir);
  char *tmp = xasprintf("%s.tmp", path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) rc = cairn_from_errno(errno);
  else {
    char buf[256];
    int len = snprintf(buf, sizeof buf, "[default]\naccess_key = %s\nsecret_key = %s\n",
                       out->access_key, out->secret);
    if (write(fd, buf, (size_t)len) != len || fsync(fd)) rc = CAIRN_EIO;
    close(fd);
    if (!rc && rename(tmp, path)) rc = cairn_from_errno(errno);
  }
  xfree(path);
  xfree(tmp);
  *created = rc == 0;
  return rc;
}
