/* users.h - user accounts and their SigV4 keys: creation (random access key and secret, the
 * secret sealed at rest), lookup of a secret for signature verification, and the first-start
 * admin bootstrap. */
#ifndef CAIRN_USERS_H
#define CAIRN_USERS_H
#include "keyring.h"
#include "../meta/meta.h"

struct user_keys { char access_key[21]; char secret[41]; };

int users_valid_name(const char *name);
/* Creates a user with fresh keys (role "admin" or "user"); CAIRN_EEXIST, CAIRN_EINVAL. */
int users_create(meta_t *m, const struct keyring *k, const char *name, const char *role,
                 struct user_keys *out);
/* Secret (heap, caller xfrees) and role of an enabled user; CAIRN_ENOENT when unknown/disabled. */
int users_secret(meta_t *m, const struct keyring *k, const char *access_key, char **secret, char name[65],
                 char role[16]);
/* On first start (no users), creates "admin" and writes data_dir/credentials (0600).
 * *created is 1 when it did, with the keys in out. */
int users_bootstrap(meta_t *m, const struct keyring *k, const char *data_dir, int *created,
                    struct user_keys *out);

#endif
