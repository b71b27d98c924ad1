/* config.c - the settings table and the parsers for file, environment and flags. */
#include "config.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/timeutil.h"
#include <ctype.h>
#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum ctype { C_STR, C_INT, C_SIZE, C_DUR };

struct setting {
  const char *name;
  enum ctype type;
  size_t off;
  const char *def;
  const char *choices;   /* "a|b|c" for enumerations, else NULL */
  const char *help;
};

#define F(field) offsetof(struct config, field)
static const struct setting table[] = {
  {"listen", C_STR, F(listen), "127.0.0.1:9000", NULL, "address and port to listen on"},
  {"data_dir", C_STR, F(data_dir), "./cairn-data", NULL, "metadata, keys and the default volume"},
  {"meta", C_STR, F(meta), "", NULL,
   "the metadata database: empty for data_dir/meta.db (SQLite), or postgres://user:password@host:port/db (many nodes)"},
  {"volumes", C_STR, F(volumes), "", NULL,
   "comma list of volume dirs, each optionally :read_only and/or :serialize_io (empty: data_dir)"},
  {"replicas", C_INT, F(replicas), "1", NULL, "copies of each block, on distinct volumes"},
  {"max_block", C_SIZE, F(max_block), "8MiB", NULL, "largest block accepted"},
  {"buffers", C_INT, F(buffers), "64", NULL, "transfer buffers in the shared pool (hard cap)"},
  {"buffer_size", C_SIZE, F(buffer_size), "1MiB", NULL, "size of one transfer buffer"},
  {"buffer_wait", C_DUR, F(buffer_wait_ms), "10s", NULL,
   "how long a transfer waits for a buffer before 503 Retry-After"},
  {"direct_writes", C_INT, F(direct_writes), "1", NULL,
   "write whole-buffer parts of block files with O_DIRECT, past the page cache (0: buffered)"},
  {"verify_reads", C_STR, F(verify_reads), "always", "always|never", "hash blocks before serving them"},
  {"verify_dedup", C_STR, F(verify_dedup), "size", "always|size|never",
   "how a stored copy is checked when a PUT finds it already present"},
  {"trash_lifetime", C_DUR, F(trash_lifetime_ms), "24h", NULL, "how long trashed blocks stay recoverable"},
  {"trash_interval", C_DUR, F(trash_interval_ms), "60s", NULL, "how often expired trash is emptied"},
  {"gc_grace", C_DUR, F(gc_grace_ms), "1h", NULL,
   "unreferenced blocks younger than this are kept (protects uploads in flight)"},
  {"balance_interval", C_DUR, F(balance_interval_ms), "6h", NULL,
   "how often balance copies blocks to the volumes placement wants and trashes misplaced copies (0: only `cairn balance`; with one volume: never)"},
  {"gc_interval", C_DUR, F(gc_interval_ms), "1h", NULL, "how often garbage collection runs (0: never)"},
  {"lifecycle_day_seconds", C_DUR, F(lifecycle_day_ms), "86400", NULL,
   "length of a lifecycle-rule day (tests shrink it)"},
  {"lifecycle_interval", C_DUR, F(lifecycle_interval_ms), "60s", NULL,
   "how often the janitor deletes expired objects and aborts stale uploads"},
  {"task_workers", C_INT, F(task_workers), "2", NULL, "worker threads that run background tasks"},
  {"task_lease", C_DUR, F(task_lease_ms), "30s", NULL,
   "how long a claimed task stays with its worker without a renewal (a dead worker's task is claimed again after it)"},
  {"task_retention", C_DUR, F(task_retention_ms), "7d", NULL, "ended tasks are kept this long (the server's own successful tasks at most a day)"},
  {"metrics_token", C_STR, F(metrics_token), "", NULL,
   "a bearer token that may read /metrics besides admins (Authorization: Bearer TOKEN); empty: admins only"},
  {"api_key", C_STR, F(api_key), "", NULL,
   "the X-API-Key that project, home and ping requests must carry, as filer-gateway clients send it; empty: none"},
  {"projects_anonymous_read", C_INT, F(projects_anonymous_read), "0", NULL,
   "1: anyone may read /v1/projects and users' spaces (the filer-gateway serves GETs to anyone); 0: users only"},
  {"posix_root", C_STR, F(posix_root), "", NULL,
   "a directory on a mounted filesystem for the posix storage system's spaces (projects/<id>, home/<user>); empty: only cairn"},
  {"cephfs_root", C_STR, F(cephfs_root), "", NULL,
   "a directory on a mounted CephFS for the cephfs storage system's spaces (quota and usage from CephFS's attributes); empty: not offered"},
  {"s3_endpoint", C_STR, F(s3_endpoint), "", NULL, "the S3 store of s3://BUCKET[/PREFIX] volumes: http(s)://host:port"},
  {"s3_region", C_STR, F(s3_region), "us-east-1", NULL, "the region s3:// volume requests are signed for"},
  {"s3_access_key", C_STR, F(s3_access_key), "", NULL, "the key of s3:// volumes (else AWS_ACCESS_KEY_ID)"},
  {"s3_secret_key", C_STR, F(s3_secret_key), "", NULL, "its secret (else AWS_SECRET_ACCESS_KEY)"},
  {"s3_path_style", C_INT, F(s3_path_style), "1", NULL, "1: https://host/BUCKET/key; 0: https://BUCKET.host/key"},
  {"direct_reads", C_INT, F(direct_reads), "0", NULL,
   "1: a GET with X-Cairn-Redirect: allow of a block on an s3:// volume answers 307 to a presigned URL of the store (the bytes skip the gateway)"},
  {"s3_stall", C_DUR, F(s3_stall_ms), "10s", NULL,
   "an S3 store request that moves under 1 KiB/s this long is dropped and retried (4 attempts, then 503)"},
  {"s3_tls_verify", C_INT, F(s3_tls_verify), "1", NULL, "0: do not check the S3 store's TLS certificate"},
  {"projects_refresh", C_DUR, F(projects_refresh_ms), "10m", NULL,
   "how often the usage of walked spaces (posix) is measured again"},
  {"usage_interval", C_DUR, F(usage_interval_ms), "1h", NULL,
   "how often every space's usage is sampled for GET /v1/projects/<id>/usage (0: never)"},
  {"usage_retention", C_DUR, F(usage_retention_ms), "400d", NULL, "usage samples are kept this long"},
  {"mirror_regions", C_STR, F(mirror_regions), "", NULL,
   "comma list of the regions this gateway mirrors into (/v1/redirect/s3/REGION/URL); empty: no mirror"},
  {"mirror_allow", C_STR, F(mirror_allow), "", NULL,
   "space-separated anchored regular expressions (^https://host/path/) an upstream URL and every redirect hop must match"},
  {"mirror_require_https", C_INT, F(mirror_require_https), "1", NULL, "1: refuse upstream URLs and hops that are not https"},
  {"mirror_max_wait", C_DUR, F(mirror_max_wait_ms), "28s", NULL,
   "how long a redirect request waits for a copy before it redirects to the upstream itself"},
  {"mirror_ttl", C_DUR, F(mirror_ttl_ms), "24h", NULL,
   "copies without upstream caching headers are revalidated after this; the mirror bucket's lifecycle deletes copies after it"},
  {"signature_ttl", C_DUR, F(signature_ttl_ms), "14d", NULL, "lifetime of signed locators"},
  {"region", C_STR, F(region), "us-east-1", NULL, "SigV4 region"},
  {"virtual_host_domain", C_STR, F(virtual_host_domain), "localhost", NULL,
   "Host <bucket>.<this> addresses a bucket virtual-host style (empty: path style only)"},
  {"trust_proxy", C_INT, F(trust_proxy), "0", NULL,
   "1: behind a reverse proxy, verify signatures against X-Forwarded-Host (the host the client used)"},
  {"clock_skew", C_DUR, F(clock_skew_ms), "15m", NULL, "allowed difference between request and server time"},
  {"threads", C_INT, F(threads), "0", NULL, "HTTP event threads (0: one per CPU core, at least 2)"},
  {"io_threads", C_INT, F(io_threads), "8", NULL, "workers for blocking disk work (fsync, verifying reads)"},
  {"max_connections", C_INT, F(max_connections), "256", NULL, "concurrent connections"},
  {"idle_timeout", C_DUR, F(idle_timeout_ms), "60s", NULL, "close connections idle this long"},
  {"tls_cert", C_STR, F(tls_cert), "", NULL, "PEM certificate (chain) file: serve HTTPS (with tls_key)"},
  {"tls_key", C_STR, F(tls_key), "", NULL, "PEM private key file for tls_cert"},
  {"max_connections_per_ip", C_INT, F(max_connections_per_ip), "64", NULL, "concurrent connections from one client address"},
  {"header_timeout", C_DUR, F(header_timeout_ms), "10s", NULL,
   "a request head must be complete this long after its first byte (slowloris)"},
  {"min_rate", C_SIZE, F(min_rate), "1KiB", NULL,
   "slowest transfer (bytes per second, body in or response out) kept open over min_rate_window (0: off)"},
  {"min_rate_window", C_DUR, F(min_rate_window_ms), "20s", NULL, "the window min_rate is measured over"},
  {"buffers_per_client", C_INT, F(buffers_per_client), "16", NULL,
   "transfers holding pool buffers at once from one client address"},
  {"buffers_anonymous", C_INT, F(buffers_anonymous), "8", NULL,
   "transfers holding pool buffers at once for anonymous requests (all addresses together)"},
  {"max_header_size", C_SIZE, F(max_header_size), "64KiB", NULL,
   "per-connection memory for the request line and headers (bigger headers get 431)"},
  {"reserve_space", C_SIZE, F(reserve_space), "256MiB", NULL,
   "new writes get 507 InsufficientStorage when less than this is free on the data directory or volumes"},
  {"meta_reserve", C_SIZE, F(meta_reserve), "32MiB", NULL,
   "ballast file in data_dir, given back when the disk is full so deletes and gc keep working (0: none)"},
  {"json_body_max", C_SIZE, F(json_body_max), "4MiB", NULL, "largest JSON request body"},
  {"manifest_max", C_SIZE, F(manifest_max), "64MiB", NULL, "largest dataset manifest accepted"},
  {"manifest_cache", C_SIZE, F(manifest_cache), "64MiB", NULL,
   "parsed dataset manifests kept for /fs and /dav (most recently used first; 0: none)"},
  {"inline_max", C_SIZE, F(inline_max), "32KiB", NULL, "objects up to this size live in the metadata row (0: never)"},
  {"max_object_size", C_SIZE, F(max_object_size), "5GiB", NULL, "largest PutObject / UploadPart body (S3: 5 GiB)"},
  {"shutdown_timeout", C_DUR, F(shutdown_timeout_ms), "30s", NULL,
   "on SIGTERM, how long in-flight requests may run before the server exits"},
  {"log_level", C_STR, F(log_level), "info", "debug|info|warn|error", "minimum level logged"},
  {"config", C_STR, F(config_file), "", NULL, "INI file with any of these settings"},
};
#undef F
#define NSET (sizeof table / sizeof table[0])

static const struct setting *find(const char *name) {
  char norm[64];
  size_t n = strlen(name);
  if (n >= sizeof norm) return NULL;
  for (size_t i = 0; i <= n; i++) norm[i] = name[i] == '-' ? '_' : (char)tolower((unsigned char)name[i]);
  for (size_t i = 0; i < NSET; i++)
    if (!strcmp(table[i].name, norm)) return &table[i];
  return NULL;
}

static int in_choices(const char *choices, const char *v) {
  size_t vl = strlen(v);
  for (const char *p = choices; p;) {
    const char *bar = strchr(p, '|');
    size_t n = bar ? (size_t)(bar - p) : strlen(p);
    if (n == vl && !strncmp(p, v, n)) return 1;
    p = bar ? bar + 1 : NULL;
  }
  return 0;
}

int config_set(struct config *c, const char *name, const char *value, char *err, size_t errlen) {
  const struct setting *s = find(name);
  char dummy[8];
  if (!err) { err = dummy; errlen = sizeof dummy; }
  if (!s) { snprintf(err, errlen, "unknown setting '%s'", name); return CAIRN_ENOENT; }
  void *field = (char *)c + s->off;
  int64_t d;
  uint64_t u;
  char *end;
  switch (s->type) {
  case C_STR:
    if (s->choices && !in_choices(s->choices, value)) {
      snprintf(err, errlen, "%s must be one of %s, not '%s'", s->name, s->choices, value);
      return CAIRN_EINVAL;
    }
    xfree(*(char **)field);
    *(char **)field = xstrdup(value);
    return 0;
  case C_INT: {
    long long v = strtoll(value, &end, 10);
    if (!*value || *end || v < 0) break;
    *(int64_t *)field = v;   /* C_INT fields are 64-bit; unsigned ones share the width */
    return 0;
  }
  case C_SIZE:
    if (parse_size(value, &u)) break;
    *(uint64_t *)field = u;
    return 0;
  case C_DUR:
    if (parse_duration_ms(value, &d)) break;
    *(int64_t *)field = d;
    return 0;
  }
  snprintf(err, errlen, "bad value '%s' for %s", value, s->name);
  return CAIRN_EINVAL;
}

void config_defaults(struct config *c) {
  memset(c, 0, sizeof *c);
  for (size_t i = 0; i < NSET; i++) config_set(c, table[i].name, table[i].def, NULL, 0);
}

void config_free(struct config *c) {
  for (size_t i = 0; i < NSET; i++)
    if (table[i].type == C_STR) { xfree(*(char **)((char *)c + table[i].off)); }
  memset(c, 0, sizeof *c);
}

struct ini_ctx { struct config *c; char *err; size_t errlen; int rc; };

static int ini_cb(void *user, const char *section, const char *name, const char *value) {
  (void)section;   /* sections are allowed for readability; names are global */
  struct ini_ctx *x = user;
  if (x->rc) return 0;
  x->rc = config_set(x->c, name, value, x->err, x->errlen);
  return x->rc == 0;
}

int config_load(struct config *c, int argc, char **argv, char **envp, char *err, size_t errlen) {
  config_defaults(c);
  /* the config file may itself come from env or a flag: find it first */
  const char *file = getenv("CAIRN_CONFIG");
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--config") && i + 1 < argc) file = argv[i + 1];
    else if (!strncmp(argv[i], "--config=", 9)) file = argv[i] + 9;
  }
  (void)envp;
  if (file && *file) {
    struct ini_ctx x = {c, err, errlen, 0};
    int r = ini_parse(file, ini_cb, &x);
    if (x.rc) return x.rc;
    if (r < 0) { snprintf(err, errlen, "cannot read config file %s", file); return CAIRN_EINVAL; }
    if (r > 0) { snprintf(err, errlen, "%s:%d: syntax error", file, r); return CAIRN_EINVAL; }
  }
  for (size_t i = 0; i < NSET; i++) {
    char env[80];
    snprintf(env, sizeof env, "CAIRN_");
    for (size_t k = 0; table[i].name[k] && k + 7 < sizeof env; k++) {
      env[6 + k] = (char)toupper((unsigned char)table[i].name[k]);
      env[7 + k] = 0;
    }
    const char *v = getenv(env);
    if (v && config_set(c, table[i].name, v, err, errlen)) return CAIRN_EINVAL;
  }
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (strncmp(a, "--", 2)) { snprintf(err, errlen, "unexpected argument '%s'", a); return CAIRN_EINVAL; }
    a += 2;
    const char *eq = strchr(a, '=');
    char name[64];
    const char *val;
    if (eq) {
      snprintf(name, sizeof name, "%.*s", (int)(eq - a), a);
      val = eq + 1;
    } else {
      snprintf(name, sizeof name, "%s", a);
      if (i + 1 >= argc) { snprintf(err, errlen, "--%s needs a value", name); return CAIRN_EINVAL; }
      val = argv[++i];
    }
    int rc = config_set(c, name, val, err, errlen);
    if (rc) return rc;
  }
  return 0;
}

void config_print_help(FILE *f) {
  fprintf(f, "usage: cairn serve [--SETTING VALUE ...]\n\n"
             "Settings (flag --name, environment CAIRN_NAME, or name = value in the --config file):\n");
  for (size_t i = 0; i < NSET; i++) {
    char flag[48];
    snprintf(flag, sizeof flag, "--%s", table[i].name);
    for (char *p = flag + 2; *p; p++) if (*p == '_') *p = '-';
    fprintf(f, "  %-20s %s%s%s (default: %s)\n", flag, table[i].help,
            table[i].choices ? "; one of " : "", table[i].choices ? table[i].choices : "",
            *table[i].def ? table[i].def : "\"\"");
  }
  fprintf(f, "\nSizes take KiB/MiB/GiB suffixes; durations take ms/s/m/h/d.\n");
}

/* url with the password of user:password@ replaced by ***, for messages (a static buffer). */
const char *config_redact_url(const char *url) {
  static __thread char out[512];
  const char *at = strchr(url, '@'), *scheme = strstr(url, "://");
  const char *colon = scheme && at ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;
  if (!colon) snprintf(out, sizeof out, "%s", url);
  else snprintf(out, sizeof out, "%.*s:***%s", (int)(colon - url), url, at);
  return out;
}
