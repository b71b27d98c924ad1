/* sqldb.c - the driver-independent part of sqldb.h: the cache of hot statements, closing. */
#include "sqldb.h"
#include "../util/log.h"

int sqldb_prepare_cached(sqldb *db, const char *sql, sqlst **st) {
  int free_slot = -1;
  for (int i = 0; i < SQLDB_CACHED; i++) {
    if (db->cache[i].sql == sql) { *st = db->cache[i].st; return 0; }
    if (!db->cache[i].sql && free_slot < 0) free_slot = i;
  }
  int rc = db->ops->prepare(db, sql, st);
  if (rc) return rc;
  if (free_slot >= 0) { db->cache[free_slot].sql = sql; db->cache[free_slot].st = *st; }
  else LOGW("sql statement cache full");   /* still works: the statement leaks until close */
  return 0;
}

void sqldb_release(sqlst *st) { st->ops->reset(st); }
void sqldb_finalize(sqlst *st) { if (st) st->ops->finalize(st); }

void sqldb_close(sqldb *db) {
  if (!db) return;
  for (int i = 0; i < SQLDB_CACHED; i++) if (db->cache[i].st) db->cache[i].st->ops->finalize(db->cache[i].st);
  db->ops->close(db);
}
