/* s3_list.c - a ListObjectsV2 page of an S3 store into volume entries (s3_list.h). */
#include "s3_list.h"
#include "../util/err.h"
#include "../util/xmlpath.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t iso_ms(const char *s) {
  struct tm tm = {0};
  const char *e = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
  return e ? (int64_t)timegm(&tm) * 1000 : 0;
}

/* The entry read so far, to the callback (once its Key is known; S3 puts Key first). */
static void emit(struct s3_list *l) {
  size_t pl = strlen(l->strip);
  if (l->stopped || strncmp(l->key, l->strip, pl) || !l->key[pl]) return;
  const char *name = l->key + pl, *dot = l->trash ? strrchr(name, '.') : NULL;
  struct vol_entry e;
  size_t n = dot ? (size_t)(dot - name) : strlen(name);
  if (n >= sizeof e.id) return;   /* not a block id */
  snprintf(e.id, sizeof e.id, "%.*s", (int)n, name);
  e.size = l->size;
  e.mtime = dot ? strtoll(dot + 1, NULL, 10) : l->mtime;   /* trash: the deadline (s) */
  if (l->cb(l->ctx, &e)) l->stopped = 1;
}

static void on_open(void *ctx, const char *path) {
  struct s3_list *l = ctx;
  if (!strcmp(path, "/ListBucketResult/Contents")) { l->key[0] = 0; l->size = 0; l->mtime = 0; }
}

static void on_leaf(void *ctx, const char *path, const char *text) {
  struct s3_list *l = ctx;
  if (!strcmp(path, "/ListBucketResult/Contents/Key")) snprintf(l->key, sizeof l->key, "%s", text);
  else if (!strcmp(path, "/ListBucketResult/Contents/Size")) l->size = strtoull(text, NULL, 10);
  else if (!strcmp(path, "/ListBucketResult/Contents/LastModified")) { l->mtime = iso_ms(text); emit(l); }
  else if (!strcmp(path, "/ListBucketResult/IsTruncated")) l->truncated = !strcmp(text, "true");
  else if (!strcmp(path, "/ListBucketResult/NextContinuationToken")) snprintf(l->token, sizeof l->token, "%s", text);
}

int s3_list_parse(const char *xml, size_t len, struct s3_list *l) {
  l->truncated = 0;
  l->token[0] = 0;
  return xmlpath_parse(xml, len, on_open, on_leaf, l) ? CAIRN_EINVAL : 0;
}
