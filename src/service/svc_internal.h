/* svc_internal.h - the fields of svc_t, for the files of service/ only. */
#ifndef CAIRN_SVC_INTERNAL_H
#define CAIRN_SVC_INTERNAL_H
#include "svc.h"
#include "ds_views.h"
#include "buckets.h"   /* enum svc_versioning */
#include "keyring.h"
#include "shares.h"
#include "space.h"
#include "tasks.h"
#include "mirror_spool.h"
#include "metrics.h"
#include "../meta/meta.h"
#include "../store/store.h"
#include <pthread.h>

struct svc {
  const struct config *cfg;
  meta_t *meta;
  store_t *store;
  struct keyring keys;
  shares_t *shares;
  space_t *space;
  tasks_t *tasks;
  spools_t *spools;            /* running mirror copies, for streaming readers */
  ds_views_t *views;           /* parsed manifests of dataset versions being read */
  struct svc_metrics metrics;
  atomic_uint_fast64_t ds_gen;   /* moves when a dataset tag may have moved (here, or on another node) */
  int64_t started_ms;
  struct {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int started, stop;
  } janitor;
};

/* The authorization view of a bucket row (policy parsed when there is one; authz_bucket_free). */
int svc_authz_bucket(const struct meta_bucket *b, struct authz_bucket *out);
void svc_authz_bucket_free(struct authz_bucket *ab);
/* svc_bucket_check that hands back the bucket's versioning state (versions.c). */
int svc_bucket_versioning(svc_t *s, const struct principal *p, const char *bucket, enum authz_action a,
                          const char *key, enum svc_versioning *v);
/* svc_bucket_check that also hands back the row (out may be NULL; meta_bucket_clear). */
int svc_bucket_load(svc_t *s, const struct principal *p, const char *name, enum authz_action a,
                    const char *key, const char *prefix, struct meta_bucket *out);

/* Listing with a delimiter: when key (under prefix) holds delim, the position past every key of
 * its common prefix (meta_key_ceiling, heap), else NULL. */
char *svc_list_seek(const char *key, const char *prefix, const char *delim);

#endif
