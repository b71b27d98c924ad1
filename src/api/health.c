/* health.c - /healthz (the process answers), /readyz (metadata and a writable volume answer),
 * /v1/status (admin: store counters, buffer pool, volumes). */
#include "app.h"
#include "json_body.h"
#include "../util/err.h"
#include <jansson.h>

static int healthz(req_t *r) { return http_respond_text(r, 200, "ok\n"); }

static int readyz(req_t *r) {
  struct app *a = r->app;
  int meta_ok = meta_ping(a->meta) == 0, writable = 0;
  for (int i = 0; i < store_nvols(a->store); i++) {
    uint64_t used, avail;
    vol_t *v = store_vol(a->store, i);
    if (!vol_is_read_only(v) && !vol_usage(v, &used, &avail)) writable++;
  }
  int ready = meta_ok && writable;
  return json_respond(r, ready ? 200 : 503, json_pack("{s:b,s:b,s:i}", "ready", ready, "metadata",
                                                      meta_ok, "writable_volumes", writable));
}

static int status(req_t *r) {
  struct app *a = r->app;
  struct store_stats st;
  struct bufpool_stats bp;
  store_get_stats(a->store, &st);
  bufpool_stats(store_pool(a->store), &bp);
  json_t *vols = json_array();
  for (int i = 0; i < store_nvols(a->store); i++) {
    vol_t *v = store_vol(a->store, i);
    uint64_t used = 0, avail = 0;
    vol_usage(v, &used, &avail);
    json_array_append_new(vols, json_pack("{s:s,s:s,s:b,s:I,s:I}", "path", vol_path(v), "uuid",
                                          vol_uuid(v), "read_only", vol_is_read_only(v), "used",
                                          (json_int_t)used, "available", (json_int_t)avail));
  }
  json_t *j = json_pack(
      "{s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I},s:{s:I,s:I,s:I,s:I,s:I,s:I},s:o}", "blocks",
      "puts", (json_int_t)st.puts, "put_bytes", (json_int_t)st.put_bytes, "dedup_hits",
      (json_int_t)st.dedup_hits, "gets", (json_int_t)st.gets, "get_bytes", (json_int_t)st.get_bytes,
      "corrupt", (json_int_t)st.corrupt, "repaired", (json_int_t)st.repaired, "trashed",
      (json_int_t)st.trashed, "trash_emptied", (json_int_t)st.trash_emptied, "buffers", "count",
      (json_int_t)bp.count, "size", (json_int_t)bp.size, "allocated", (json_int_t)bp.allocated,
      "in_use", (json_int_t)bp.in_use, "waits", (json_int_t)bp.waits, "timeouts",
      (json_int_t)bp.timeouts, "volumes", vols);
  return json_respond(r, 200, j);
}

const struct handler h_healthz = {healthz, NULL, NULL};
const struct handler h_readyz = {readyz, NULL, NULL};
const struct handler h_status = {status, NULL, NULL};
