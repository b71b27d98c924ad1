/* cmd_serve.c - `cairn serve`: load configuration, open the service layer (keys, metadata,
 * volumes), start the HTTP server and the janitor, and shut down gracefully on SIGTERM or
 * SIGINT. */
#include "cli.h"
#include "../api/app.h"
#include "../service/task_ops.h"
#include "../service/users.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/sbuf.h"
#include "../util/log.h"
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A whole small file (PEM) as a heap string, or NULL. */
static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  sbuf_t b = {0};
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0 && b.len < (1u << 20)) sbuf_add(&b, buf, n);
  fclose(f);
  if (!b.s) sbuf_adds(&b, "");
  return b.s;
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
  struct user_keys k;
  int created = 0;
  int rc = svc_open(&c, &a.svc, &created, &k, err, sizeof err);
  if (!rc && created) {
    printf("cairn: first start: created user 'admin' (keys also saved in %s/credentials)\n"
           "  access key: %s\n  secret key: %s\n", c.data_dir, k.access_key, k.secret);
    fflush(stdout);
  }
  memset(&k, 0, sizeof k);
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
                           c.buffer_wait_ms, c.trust_proxy != 0, c.virtual_host_domain, (unsigned)c.max_connections_per_ip,
                           NULL, NULL, c.header_timeout_ms, c.min_rate, c.min_rate_window_ms};
  char *cert = NULL, *key = NULL;
  if (!rc && (*c.tls_cert || *c.tls_key)) {
    if (!*c.tls_cert || !*c.tls_key) rc = CAIRN_EINVAL, snprintf(err, sizeof err, "tls_cert and tls_key go together");
    else if (!(cert = read_file(c.tls_cert)) || !(key = read_file(c.tls_key)))
      rc = CAIRN_EINVAL, snprintf(err, sizeof err, "cannot read %s", cert ? c.tls_key : c.tls_cert);
    so.tls_cert_pem = cert;
    so.tls_key_pem = key;
  }
  if (!rc) rc = server_start(&so, api_routes, api_nroutes, &a, &srv, err, sizeof err);
  if (key) memset(key, 0, strlen(key));   /* libmicrohttpd keeps its own copy */
  xfree(cert);
  xfree(key);
  if (!rc) svc_on_buffer_release(a.svc, server_wake, srv);
  if (!rc) svc_on_task_change(a.svc, server_wake, srv);   /* long polls on tasks wake when one ends */
  if (rc) {
    svc_close(a.svc);
    config_free(&c);
    return cli_fail("%s", err);
  }
  char host[256];
  snprintf(host, sizeof host, "%.*s", (int)(strrchr(c.listen, ':') - c.listen), c.listen);
  LOGI("cairn %s listening on %s://%s:%d (data %s, %d volumes)", CAIRN_VERSION, *c.tls_cert ? "https" : "http", host,
       server_port(srv), c.data_dir, svc_nvolumes(a.svc));
  svc_janitor_start(a.svc);

  int sig = 0;
  sigwait(&sigs, &sig);
  LOGI("received %s: draining (up to %lld ms)", sig == SIGTERM ? "SIGTERM" : "SIGINT",
       (long long)c.shutdown_timeout_ms);
  svc_on_buffer_release(a.svc, NULL, NULL);
  svc_janitor_stop(a.svc);   /* running tasks go back to the queue; nothing wakes the server after this */
  server_shutdown(srv, c.shutdown_timeout_ms);
  svc_close(a.svc);
  config_free(&c);
  LOGI("stopped");
  return 0;
}
