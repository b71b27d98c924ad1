/* cmd_serve.c - `cairn serve`: load configuration, open metadata, keys and volumes, start the
 * HTTP server and the trash emptier, and shut down gracefully on SIGTERM or SIGINT. */
#include "cli.h"
#include "../api/app.h"
#include "../service/gc.h"
#include "../service/lifecycle.h"
#include "../service/users.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/timeutil.h"
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The janitor thread: empties expired trash every trash_interval and collects garbage every
 * gc_interval. */
struct janitor {
  store_t *store;
  meta_t *meta;
  int64_t interval_ms, gc_interval_ms, gc_grace_ms, next_gc_ms;
  int64_t lc_interval_ms, lc_day_ms, next_lc_ms;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int stop;
};

static void *janitor_main(void *p) {
  struct janitor *j = p;
  pthread_mutex_lock(&j->mu);
  while (!j->stop) {
    struct timespec dl;
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_sec += j->interval_ms / 1000;
    dl.tv_nsec += (j->interval_ms % 1000) * 1000000;
    if (dl.tv_nsec >= 1000000000) { dl.tv_sec++; dl.tv_nsec -= 1000000000; }
    pthread_cond_timedwait(&j->cv, &j->mu, &dl);
    if (j->stop) break;
    pthread_mutex_unlock(&j->mu);
    int n = 0;
    store_empty_trash(j->store, &n);
    if (n) LOGI("trash: deleted %d expired blocks", n);
    if (j->lc_interval_ms && time_mono_ms() >= j->next_lc_ms) {
      int deleted, aborted;
      lifecycle_sweep(j->meta, j->lc_day_ms, &deleted, &aborted);
      j->next_lc_ms = time_mono_ms() + j->lc_interval_ms;
    }
    if (j->gc_interval_ms && time_mono_ms() >= j->next_gc_ms) {
      struct gc_report rep;
      gc_run(j->meta, j->store, j->gc_grace_ms, &rep);
      j->next_gc_ms = time_mono_ms() + j->gc_interval_ms;
    }
    pthread_mutex_lock(&j->mu);
  }
  pthread_mutex_unlock(&j->mu);
  return NULL;
}

/* "dir[:read_only][:serialize_io],..." -> opened volumes. */
static int open_volumes(const struct config *c, vol_t **vols, int *n, char *err, size_t errlen) {
  char *list = xstrdup(*c->volumes ? c->volumes : c->data_dir);
  int rc = 0;
  *n = 0;
  for (char *save = NULL, *item = strtok_r(list, ",", &save); item && !rc; item = strtok_r(NULL, ",", &save)) {
    struct vol_opts o = {0};
    char *colon;
    while ((colon = strrchr(item, ':'))) {
      if (!strcmp(colon + 1, "read_only")) o.read_only = 1;
      else if (!strcmp(colon + 1, "serialize_io")) o.serialize_io = 1;
      else break;
      *colon = 0;
    }
    if (*n == STORE_MAX_VOLUMES) { snprintf(err, errlen, "too many volumes"); rc = CAIRN_EINVAL; break; }
    if ((rc = vol_open_local(item, &o, &vols[*n]))) snprintf(err, errlen, "cannot open volume %s: %s", item, cairn_strerror(rc));
    else (*n)++;
  }
  xfree(list);
  return rc;
}

static int setup(struct app *a, struct config *c, char *err, size_t errlen) {
  if (mkdir(c->data_dir, 0700) && errno != EEXIST) {
    snprintf(err, errlen, "cannot create data_dir %s: %s", c->data_dir, strerror(errno));
    return CAIRN_EIO;
  }
  int rc = keyring_load(c->data_dir, 1, &a->keys);
  if (rc) { snprintf(err, errlen, "cannot load %s/server.key: %s", c->data_dir, cairn_strerror(rc)); return rc; }
  char *db = xasprintf("%s/meta.db", c->data_dir);
  rc = meta_open_sqlite(db, &a->meta);
  xfree(db);
  if (rc) { snprintf(err, errlen, "cannot open metadata in %s", c->data_dir); return rc; }
  struct user_keys k;
  int created = 0;
  if ((rc = users_bootstrap(a->meta, &a->keys, c->data_dir, &created, &k))) {
    snprintf(err, errlen, "cannot create the admin user: %s", cairn_strerror(rc));
    return rc;
  }
  if (created) {
    printf("cairn: first start: created user 'admin' (keys also saved in %s/credentials)\n"
           "  access key: %s\n  secret key: %s\n", c->data_dir, k.access_key, k.secret);
    fflush(stdout);
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
  a->store = store_create(vols, n, bufpool_create(c->buffers, c->buffer_size), &so);
  return 0;
}

int cmd_serve(int argc, char **argv) {
  for (int i = 0; i < argc; i++)
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { config_print_help(stdout); return 0; }
  struct config c;
  char err[512] = "";
  if (config_load(&c, argc, argv, NULL, err, sizeof err)) { config_free(&c); return cli_fail("%s", err); }
  enum log_level lvl;
  if (!log_level_parse(c.log_level, &lvl)) log_set_level(lvl);
  if (c.buffer_size < 4096) { config_free(&c); return cli_fail("buffer_size must be at least 4KiB"); }

  struct app a = {.cfg = &c};
  int rc = setup(&a, &c, err, sizeof err);
  server_t *srv = NULL;
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, NULL);   /* every thread inherits this; main waits below */
  signal(SIGPIPE, SIG_IGN);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  struct server_opts so = {c.listen, (unsigned)c.max_connections, (unsigned)(c.idle_timeout_ms / 1000),
                           c.max_header_size, c.region, c.clock_skew_ms / 1000, app_auth_lookup,
                           c.threads ? (unsigned)c.threads : (unsigned)(cores > 2 ? cores : 2), (unsigned)c.io_threads,
                           c.buffer_wait_ms, c.trust_proxy != 0};
  if (!rc) rc = server_start(&so, api_routes, api_nroutes, &a, &srv, err, sizeof err);
  if (!rc) bufpool_on_release(store_pool(a.store), server_wake, srv);
  if (rc) {
    store_destroy(a.store);
    meta_close(a.meta);
    config_free(&c);
    return cli_fail("%s", err);
  }
  char host[256];
  snprintf(host, sizeof host, "%.*s", (int)(strrchr(c.listen, ':') - c.listen), c.listen);
  LOGI("cairn %s listening on http://%s:%d (data %s, %d volumes)", CAIRN_VERSION, host,
       server_port(srv), c.data_dir, store_nvols(a.store));

  int64_t wake = c.trash_interval_ms;   /* the janitor wakes for the most frequent of its jobs */
  if (c.lifecycle_interval_ms && c.lifecycle_interval_ms < wake) wake = c.lifecycle_interval_ms;
  if (c.gc_interval_ms && c.gc_interval_ms < wake) wake = c.gc_interval_ms;
  struct janitor j = {a.store, a.meta, wake, c.gc_interval_ms, c.gc_grace_ms,
                      time_mono_ms() + c.gc_interval_ms, c.lifecycle_interval_ms, c.lifecycle_day_ms,
                      time_mono_ms() + c.lifecycle_interval_ms, PTHREAD_MUTEX_INITIALIZER,
                      PTHREAD_COND_INITIALIZER, 0};
  pthread_t jt;
  pthread_create(&jt, NULL, janitor_main, &j);

  int sig = 0;
  sigwait(&sigs, &sig);
  LOGI("received %s: draining (up to %lld ms)", sig == SIGTERM ? "SIGTERM" : "SIGINT",
       (long long)c.shutdown_timeout_ms);
  bufpool_on_release(store_pool(a.store), NULL, NULL);
  server_shutdown(srv, c.shutdown_timeout_ms);
  pthread_mutex_lock(&j.mu);
  j.stop = 1;
  pthread_cond_signal(&j.cv);
  pthread_mutex_unlock(&j.mu);
  pthread_join(jt, NULL);
  store_destroy(a.store);
  meta_close(a.meta);
  config_free(&c);
  LOGI("stopped");
  return 0;
}
