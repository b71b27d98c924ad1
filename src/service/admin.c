/* admin.c - operator operations (admin.h). */
#include "admin.h"
#include "svc_internal.h"
#include "../util/err.h"
#include "../util/timeutil.h"

static int admin_only(const struct principal *p) { return p->kind == PRINCIPAL_ADMIN ? 0 : CAIRN_EAUTH; }

int svc_user_list(svc_t *s, const struct principal *p, meta_user_cb cb, void *ctx) {
  int rc = admin_only(p);
  return rc ? rc : meta_user_list(s->meta, cb, ctx);
}

int svc_user_create(svc_t *s, const struct principal *p, const char *name, const char *role, struct user_keys *out) {
  int rc = admin_only(p);
  return rc ? rc : users_create(s->meta, &s->keys, name, role, out);
}

int svc_user_delete(svc_t *s, const struct principal *p, const char *name) {
  int rc = admin_only(p);
  return rc ? rc : meta_user_rm(s->meta, name);
}

int svc_ready(svc_t *s, const char **why, int *meta_ok, int *writable) {
  *meta_ok = meta_ping(s->meta) == 0;
  *writable = 0;
  for (int i = 0; i < store_nvols(s->store); i++) {
    uint64_t used, avail;
    vol_t *v = store_vol(s->store, i);
    if (!vol_is_read_only(v) && !vol_usage(v, &used, &avail)) (*writable)++;
  }
  *why = !*meta_ok ? "the metadata database does not answer" : !*writable ? "no volume takes writes" : NULL;
  const char *space_why;
  if (!*why && space_writes_ok(s->space, &space_why)) *why = space_why;
  return *why ? CAIRN_EBUSY : 0;
}

int svc_status(svc_t *s, const struct principal *p, json_t **out) {
  int rc = admin_only(p);
  if (rc) return rc;
  struct store_stats st;
  struct bufpool_stats bp;
  store_get_stats(s->store, &st);
  bufpool_stats(store_pool(s->store), &bp);
  json_t *vols = json_array();
  for (int i = 0; i < store_nvols(s->store); i++) {
    vol_t *v = store_vol(s->store, i);
    uint64_t used = 0, avail = 0;
    vol_usage(v, &used, &avail);
    json_array_append_new(vols, json_pack("{s:s,s:s,s:b,s:I,s:I}", "path", vol_path(v), "uuid",
                                          vol_uuid(v), "read_only", vol_is_read_only(v), "used",
                                          (json_int_t)used, "available", (json_int_t)avail));
  }
  *out = json_pack(
      "{s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I},s:{s:I,s:I,s:I,s:I,s:I,s:I},s:o}", "blocks",
      "puts", (json_int_t)st.puts, "put_bytes", (json_int_t)st.put_bytes, "dedup_hits",
      (json_int_t)st.dedup_hits, "gets", (json_int_t)st.gets, "get_bytes", (json_int_t)st.get_bytes,
      "corrupt", (json_int_t)st.corrupt, "repaired", (json_int_t)st.repaired, "trashed",
      (json_int_t)st.trashed, "trash_emptied", (json_int_t)st.trash_emptied, "buffers", "count",
      (json_int_t)bp.count, "size", (json_int_t)bp.size, "allocated", (json_int_t)bp.allocated,
      "in_use", (json_int_t)bp.in_use, "waits", (json_int_t)bp.waits, "timeouts",
      (json_int_t)bp.timeouts, "volumes", vols);
  return 0;
}

int64_t svc_uptime_ms(svc_t *s) { return time_now_ms() - s->started_ms; }
