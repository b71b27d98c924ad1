/* svc.c - opening and closing the service layer (keys, metadata, volumes, buffer pool, task
 * workers) and starting its background work (jobs.h). */
#include "svc_internal.h"
#include "jobs.h"
#include "mirror.h"
#include "spaces.h"
#include "../volume/volume_s3.h"
#include "users.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/timeutil.h"
#include "../volume/volume.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* "dir[:read_only][:serialize_io],..." -> opened volumes. */
static int open_volumes(const struct config *c, vol_t **vols, int *n, char *err, size_t errlen) {
  char *list = xstrdup(*c->volumes ? c->volumes : c->data_dir);
  int rc = 0;
  *n = 0;
  for (char *save = NULL, *item = strtok_r(list, ",", &save); item && !rc; item = strtok_r(NULL, ",", &save)) {
    struct vol_opts o = {.direct_writes = c->direct_writes != 0};
    char *colon;
    while ((colon = strrchr(item, ':'))) {
      if (!strcmp(colon + 1, "read_only")) o.read_only = 1;
      else if (!strcmp(colon + 1, "serialize_io")) o.serialize_io = 1;
      else break;
      *colon = 0;
    }
    if (*n == STORE_MAX_VOLUMES) { snprintf(err, errlen, "too many volumes"); rc = CAIRN_EINVAL; break; }
    if (!strncmp(item, "s3://", 5)) {   /* a bucket of an S3 store */
      const char *ak = *c->s3_access_key ? c->s3_access_key : getenv("AWS_ACCESS_KEY_ID");
      const char *sk = *c->s3_secret_key ? c->s3_secret_key : getenv("AWS_SECRET_ACCESS_KEY");
      char *spool = xasprintf("%s/s3-spool", c->data_dir);
      struct vol_s3_opts s3 = {c->s3_endpoint, c->s3_region, ak, sk, (int)c->s3_path_style, (int)c->s3_tls_verify, spool, 4,
                               (long)(c->s3_stall_ms / 1000)};
      rc = vol_open_s3(item, &o, &s3, &vols[*n]);
      xfree(spool);
    } else {
      rc = vol_open_local(item, &o, &vols[*n]);
    }
    if (rc) snprintf(err, errlen, "cannot open volume %s: %s", item, cairn_strerror(rc));
    else (*n)++;
  }
  xfree(list);
  return rc;
}

/* Another node (or this one) changed tasks or tags in the shared database ("*": maybe missed some). */
static void on_shared_change(void *ctx, const char *channel) {
  struct svc *s = ctx;
  int all = !strcmp(channel, "*");
  if (all || !strcmp(channel, "cairn_tasks")) tasks_remote_change(s->tasks);
  if (all || !strcmp(channel, "cairn_tags")) atomic_fetch_add(&s->ds_gen, 1);
}

static int setup(struct svc *s, const struct config *c, int *created, struct user_keys *k, char *err, size_t errlen) {
  if (mkdir(c->data_dir, 0700) && errno != EEXIST) {
    snprintf(err, errlen, "cannot create data_dir %s: %s", c->data_dir, strerror(errno));
    return CAIRN_EIO;
  }
  int rc = keyring_load(c->data_dir, 1, &s->keys);
  if (rc) { snprintf(err, errlen, "cannot load %s/server.key: %s", c->data_dir, cairn_strerror(rc)); return rc; }
  char *db = *c->meta ? xstrdup(c->meta) : xasprintf("%s/meta.db", c->data_dir);
  rc = meta_open(db, &s->meta);
  xfree(db);
  if (rc) {
    if (*c->meta) snprintf(err, errlen, "cannot open the metadata database %s (see the log line before)", config_redact_url(c->meta));
    else snprintf(err, errlen, "cannot open metadata in %s", c->data_dir);
    return rc;
  }
  if ((rc = users_bootstrap(s->meta, &s->keys, c->data_dir, created, k))) {
    snprintf(err, errlen, "cannot create the admin user: %s", cairn_strerror(rc));
    return rc;
  }
  vol_t *vols[STORE_MAX_VOLUMES];
  int n;
  if ((rc = open_volumes(c, vols, &n, err, errlen))) { while (n) vol_close(vols[--n]); return rc; }
  struct store_opts so = {
    (int)c->replicas, c->max_block,
    !strcmp(c->verify_reads, "never") ? VERIFY_READS_NEVER : VERIFY_READS_ALWAYS,
    !strcmp(c->verify_dedup, "always") ? VERIFY_DEDUP_ALWAYS
    : !strcmp(c->verify_dedup, "never") ? VERIFY_DEDUP_NEVER : VERIFY_DEDUP_SIZE,
    c->trash_lifetime_ms / 1000, 0 /* never block a thread: the server parks the request */,
  };
  if (c->replicas > n) LOGW("replicas=%lld but only %d volumes: blocks get %d copies", (long long)c->replicas, n, n);
  s->store = store_create(vols, n, bufpool_create(c->buffers, c->buffer_size), &so);
  s->shares = shares_create((unsigned)c->buffers_per_client, (unsigned)c->buffers_anonymous);
  s->space = space_create(c->data_dir, s->store, c->reserve_space, c->meta_reserve);
  struct tasks_opts to = {(unsigned)c->task_workers, c->task_lease_ms, c->task_retention_ms};
  s->tasks = tasks_create(s->meta, &to);
  s->spools = spools_create(c->data_dir);
  jobs_register(s);
  mirror_register(s);
  spaces_register(s);
  if (meta_listen(s->meta, on_shared_change, s)) LOGW("cannot listen for other nodes' changes: they are noticed by polling");
  return 0;
}

int svc_open(const struct config *c, svc_t **out, int *created, struct user_keys *admin, char *err, size_t errlen) {
  struct svc *s = xcalloc(1, sizeof *s);
  s->cfg = c;
  s->started_ms = time_now_ms();
  s->views = ds_views_create(c->manifest_cache);
  *created = 0;
  int rc = setup(s, c, created, admin, err, errlen);
  if (rc) { svc_close(s); return rc; }
  pthread_mutex_init(&s->janitor.mu, NULL);
  pthread_cond_init(&s->janitor.cv, NULL);
  *out = s;
  return 0;
}

void svc_close(svc_t *s) {
  if (!s) return;
  svc_janitor_stop(s);
  if (s->meta) meta_listen(s->meta, NULL, NULL);   /* no more calls into tasks */
  tasks_destroy(s->tasks);
  spools_destroy(s->spools);
  if (s->store) store_destroy(s->store);
  if (s->meta) meta_close(s->meta);
  shares_destroy(s->shares);
  space_destroy(s->space);
  ds_views_destroy(s->views);
  memset(&s->keys, 0, sizeof s->keys);
  xfree(s);
}

const struct config *svc_config(const svc_t *s) { return s->cfg; }
int svc_nvolumes(const svc_t *s) { return store_nvols(s->store); }
void svc_on_buffer_release(svc_t *s, void (*fn)(void *), void *ctx) {
  bufpool_on_release(store_pool(s->store), fn, ctx);
  shares_on_release(s->shares, fn, ctx);
}

int svc_transfer_begin(svc_t *s, const struct principal *p, share_t **out) { return shares_take(s->shares, p, out); }
void svc_transfer_end(svc_t *s, share_t *sh) { shares_release(s->shares, sh); }

int svc_user_secret(svc_t *s, const char *access_key, char **secret, char role[16], char name[65]) {
  return users_secret(s->meta, &s->keys, access_key, secret, name, role);
}

/* ---- background work: the task workers and the scheduler of periodic jobs ---- */

void svc_janitor_start(svc_t *s) {
  tasks_start(s->tasks);
  jobs_scheduler_start(s);
}

void svc_janitor_stop(svc_t *s) {
  jobs_scheduler_stop(s);
  if (s->tasks) tasks_stop(s->tasks);
}
