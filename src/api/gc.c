/* gc.c - POST /v1/gc (admin): runs a garbage collection now, on a worker, and answers its report. */
#include "app.h"
#include "json_body.h"
#include "../http/async.h"
#include "../service/admin.h"
#include "../util/err.h"

struct gc_state { struct app *a; struct principal who; int started, rc; struct gc_report rep; };

static void gc_job(void *arg) {
  struct gc_state *g = arg;
  g->rc = svc_gc(g->a->svc, &g->who, &g->rep);
}

static int gc_end(req_t *r) {
  struct gc_state *g = r->state;
  if (!g) {
    g = r->state = mempool_alloc(r->pool, sizeof *g);
    g->a = r->app;
    api_principal(r, &g->who);
  }
  if (!g->started) {
    g->started = 1;
    return http_defer(r, gc_job, g);
  }
  if (g->rc) return g->rc;
  return json_respond(r, 200, json_pack("{s:I,s:I,s:I,s:I,s:I,s:f}", "blocks", (json_int_t)g->rep.blocks,
                                        "referenced", (json_int_t)g->rep.referenced, "trashed",
                                        (json_int_t)g->rep.trashed, "trashed_bytes",
                                        (json_int_t)g->rep.trashed_bytes, "kept_young",
                                        (json_int_t)g->rep.kept_young, "seconds", g->rep.seconds));
}

const struct handler h_gc = {NULL, NULL, gc_end};
