/* err.c - tables generated from CAIRN_ERRNO_MAP: message, code and HTTP status per error. */
#include "err.h"
#include <errno.h>

struct err_row { const char *code; int status; const char *msg; };

static const struct err_row rows[] = {
#define CAIRN_ERR_ROW_(name, code, status, msg) {code, status, msg},
  CAIRN_ERRNO_MAP(CAIRN_ERR_ROW_)
#undef CAIRN_ERR_ROW_
};

static const struct err_row *row(int err) {
  int i = err - CAIRN_E_FIRST_ - 1;
  if (i < 0 || i >= (int)(sizeof rows / sizeof rows[0])) return 0;
  return &rows[i];
}

const char *cairn_strerror(int err) {
  const struct err_row *r = row(err);
  return err == 0 ? "success" : r ? r->msg : "unknown error";
}

const char *cairn_errcode(int err) {
  const struct err_row *r = row(err);
  return r ? r->code : "InternalError";
}

int cairn_errstatus(int err) {
  const struct err_row *r = row(err);
  return r ? r->status : 500;
}

int cairn_from_errno(int e) {
  switch (e) {
  case ENOENT: return CAIRN_ENOENT;
  case EEXIST: return CAIRN_EEXIST;
  case ENOMEM: return CAIRN_ENOMEM;
  case ENOSPC: case EDQUOT: return CAIRN_ENOSPC;
  case EROFS: case EACCES: case EPERM: return CAIRN_EROFS;
  case EINVAL: return CAIRN_EINVAL;
  default: return CAIRN_EIO;
  }
}
