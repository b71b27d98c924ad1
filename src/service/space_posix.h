/* space_posix.h - the posix driver's pieces that the cephfs driver shares (a CephFS is a POSIX
 * filesystem with its own quota and usage attributes): the space's directory, its creation,
 * members as POSIX ACLs, removal. */
#ifndef CAIRN_SPACE_POSIX_H
#define CAIRN_SPACE_POSIX_H
#include "space_driver.h"

const char *space_posix_root(svc_t *s, const struct meta_space *sp);   /* posix_root or cephfs_root */
int space_posix_path(svc_t *s, const struct meta_space *sp, char *out, size_t cap);
int space_posix_create(svc_t *s, const struct meta_space *sp, char *err, size_t cap);
int space_posix_set_member(svc_t *s, const struct meta_space *sp, const char *user, const char *role, int recursion,
                           char *err, size_t cap);
int space_posix_remove(svc_t *s, const struct meta_space *sp, char *err, size_t cap);

#endif
