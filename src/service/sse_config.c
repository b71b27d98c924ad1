/* sse_config.c - a bucket's default encryption document (PutBucketEncryption), parsed: pure, no
 * I/O (fuzzed). */
#include "sse.h"
#include "../util/err.h"
#include "../util/xmlpath.h"
#include <stdio.h>
#include <string.h>

/* <ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm> */
struct eparse { char alg[32]; int rules, kms, other; };

static void e_open(void *ctx, const char *path) {
  if (!strcmp(path, "/ServerSideEncryptionConfiguration/Rule")) ((struct eparse *)ctx)->rules++;
}

static void e_leaf(void *ctx, const char *path, const char *text) {
  struct eparse *e = ctx;
  const char *rule = "/ServerSideEncryptionConfiguration/Rule", *def = "/ServerSideEncryptionConfiguration/Rule/ApplyServerSideEncryptionByDefault";
  size_t dl = strlen(def);
  if (!strncmp(path, def, dl) && !strcmp(path + dl, "/SSEAlgorithm")) snprintf(e->alg, sizeof e->alg, "%s", text);
  else if (!strncmp(path, def, dl) && !strcmp(path + dl, "/KMSMasterKeyID")) e->kms = 1;
  else if (!strncmp(path, rule, strlen(rule)) && !strcmp(path + strlen(rule), "/BucketKeyEnabled")) {
    if (strcmp(text, "true") && strcmp(text, "false")) e->other = 1;
  } else if (strcmp(path, rule) && strcmp(path, "/ServerSideEncryptionConfiguration") && strcmp(path, def)) e->other = 1;
}

int sse_config_parse(const char *xml, size_t len, char alg[16], const char **why) {
  struct eparse e = {{0}, 0, 0, 0};
  *why = "one Rule with ApplyServerSideEncryptionByDefault/SSEAlgorithm";
  if (xmlpath_parse(xml, len, e_open, e_leaf, &e) || e.other || e.rules != 1 || !*e.alg) return CAIRN_EMALFORMEDXML;
  *why = "SSE-KMS needs a key service cairn does not have: use AES256";
  if (e.kms || !strncmp(e.alg, "aws:kms", 7)) return CAIRN_ENOTIMPL;
  *why = "SSEAlgorithm must be AES256";
  if (strcmp(e.alg, "AES256")) return CAIRN_EMALFORMEDXML;
  *why = NULL;
  memcpy(alg, "AES256", 7);   /* the only algorithm accepted */
  return 0;
}
