/* config.h - every server setting, its type, default and help text in one table (config.c).
 * Sources in increasing precedence: defaults, INI file (--config / CAIRN_CONFIG), CAIRN_<NAME>
 * environment variables, command-line flags (--name value or --name=value). */
#ifndef CAIRN_CONFIG_H
#define CAIRN_CONFIG_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct config {
  char *listen;              /* host:port */
  char *data_dir;
  char *volumes;             /* comma list of dir[:read_only][:serialize_io]; empty = data_dir */
  int64_t replicas;
  uint64_t max_block;
  uint64_t max_object_size;
  uint64_t manifest_max;
  uint64_t manifest_cache;     /* bytes of parsed manifests kept for /fs and /dav */
  uint64_t inline_max;        /* PutObject bodies up to this size are stored in the object row */      /* dataset manifest body */   /* one PutObject or UploadPart body */
  uint64_t buffers;
  uint64_t buffer_size;
  int64_t buffer_wait_ms;
  int64_t direct_writes;     /* block files written past the page cache (O_DIRECT) */
  char *verify_reads;        /* always | never */
  char *verify_dedup;        /* always | size | never */
  int64_t trash_lifetime_ms;
  int64_t trash_interval_ms;
  int64_t gc_grace_ms;
  int64_t lifecycle_day_ms;
  int64_t lifecycle_interval_ms;
  int64_t gc_interval_ms;
  uint64_t task_workers;
  int64_t task_lease_ms;
  int64_t task_retention_ms;
  char *metrics_token;
  char *api_key;                      /* the filer-gateway's X-API-Key ("" : none asked) */
  int64_t projects_anonymous_read;
  char *posix_root;                   /* the posix storage system's directory ("": not offered) */
  char *cephfs_root;
  char *meta;   /* "" (data_dir/meta.db) or a postgres:// URL */
  int64_t direct_reads;
  int64_t balance_interval_ms;
  int64_t s3_stall_ms;   /* 307 to the store for X-Cairn-Redirect: allow */
  char *s3_endpoint, *s3_region, *s3_access_key, *s3_secret_key;   /* s3:// volumes (volume_s3.h) */
  int64_t s3_path_style, s3_tls_verify;                  /* the cephfs system's: a directory on a mounted CephFS */
  int64_t projects_refresh_ms;
  int64_t usage_interval_ms, usage_retention_ms;
  char *mirror_regions, *mirror_allow;
  int64_t mirror_require_https;
  int64_t mirror_max_wait_ms, mirror_ttl_ms;
  int64_t signature_ttl_ms;
  char *region;
  char *virtual_host_domain;
  int64_t trust_proxy;
  int64_t clock_skew_ms;
  uint64_t max_connections;
  uint64_t threads;
  uint64_t io_threads;
  int64_t idle_timeout_ms;
  uint64_t max_connections_per_ip;
  char *tls_cert, *tls_key;     /* both set: HTTPS */
  int64_t header_timeout_ms;
  uint64_t min_rate;
  int64_t min_rate_window_ms;
  uint64_t buffers_per_client;
  uint64_t buffers_anonymous;
  uint64_t max_header_size;
  uint64_t json_body_max;
  uint64_t reserve_space;
  uint64_t meta_reserve;
  int64_t shutdown_timeout_ms;
  char *log_level;
  char *config_file;
};

/* Fills c with defaults. Caller frees strings with config_free. */
void config_defaults(struct config *c);
void config_free(struct config *c);
const char *config_redact_url(const char *url);   /* its password as *** (a thread's static buffer) */
/* Sets one setting by name ('-' and '_' are equivalent). 0, or CAIRN_ENOENT (unknown name),
 * or CAIRN_EINVAL (bad value); err (if given) receives a one-line message. */
int config_set(struct config *c, const char *name, const char *value, char *err, size_t errlen);
/* Full load: defaults, file, environment, then argv flags (argv[0] is not skipped). */
int config_load(struct config *c, int argc, char **argv, char **envp, char *err, size_t errlen);
void config_print_help(FILE *f);

#endif
