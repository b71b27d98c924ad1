/* space_driver.h - the one interface a storage system implements for project and home spaces
 * (spaces.c drives it from its tasks): make the space, set its quota, give or take a member's
 * role, measure its usage, remove it. One file per system: space_cairn.c (a bucket in cairn's own
 * store), space_posix.c (a directory on a mounted filesystem: POSIX ACLs, XFS project quota;
 * with cephfs=1, CephFS's quota and usage attributes). err gets one line for the task's error. */
#ifndef CAIRN_SPACE_DRIVER_H
#define CAIRN_SPACE_DRIVER_H
#include "svc.h"
#include "../meta/meta.h"
#include <stddef.h>
#include <stdint.h>

struct space_driver {
  const char *system;
  int (*create)(svc_t *s, const struct meta_space *sp, char *err, size_t cap);
  int (*set_quota)(svc_t *s, const struct meta_space *sp, char *err, size_t cap);   /* sp->quota_bytes */
  /* role NULL removes the member; recursion: apply to what the space holds already too */
  int (*set_member)(svc_t *s, const struct meta_space *sp, const char *user, const char *role, int recursion,
                    char *err, size_t cap);
  /* NULL when the metadata layer keeps the usage itself (cairn) */
  int (*usage)(svc_t *s, const struct meta_space *sp, uint64_t *used, uint64_t *logical);
  int (*remove)(svc_t *s, const struct meta_space *sp, char *err, size_t cap);   /* CAIRN_ECONFLICT: not empty */
};

/* The driver of a system this server offers ("cairn"; "posix" and "cephfs" when posix_root is
 * set), or NULL. */
const struct space_driver *space_driver(svc_t *s, const char *system);
extern const struct space_driver space_cairn, space_posix, space_cephfs;

/* The bucket of a cairn space: the project id, or home-<user>. */
void space_bucket_name(const char *kind, const char *id, char out[64]);

#endif
