/* meta_migrations.c - the schema, as numbered migrations in portable SQL (SQLite and PostgreSQL).
 * Never edit a released migration; append a new one. */
#include "meta.h"

const struct meta_migration meta_migrations[] = {
  {1, "CREATE TABLE users ("
      " name TEXT PRIMARY KEY,"
      " access_key TEXT NOT NULL UNIQUE,"
      " secret_sealed TEXT NOT NULL,"
      " role TEXT NOT NULL CHECK (role IN ('admin', 'user')),"
      " enabled INTEGER NOT NULL DEFAULT 1,"
      " created_ms BIGINT NOT NULL)"},
  {2, "CREATE TABLE buckets ("
      " name TEXT PRIMARY KEY,"
      " owner TEXT NOT NULL,"
      " public_read INTEGER NOT NULL DEFAULT 0,"
      " created_ms BIGINT NOT NULL);"
      "CREATE TABLE objects ("
      " bucket TEXT NOT NULL REFERENCES buckets(name),"
      " key TEXT NOT NULL,"
      " size BIGINT NOT NULL,"
      " etag TEXT NOT NULL,"
      " content_type TEXT NOT NULL,"
      " manifest TEXT NOT NULL,"
      " created_ms BIGINT NOT NULL,"
      " PRIMARY KEY (bucket, key))"},
  {3, "CREATE TABLE uploads ("
      " upload_id TEXT PRIMARY KEY,"
      " bucket TEXT NOT NULL REFERENCES buckets(name),"
      " key TEXT NOT NULL,"
      " content_type TEXT NOT NULL,"
      " created_ms BIGINT NOT NULL);"
      "CREATE INDEX uploads_by_bucket ON uploads (bucket, key);"
      "CREATE TABLE parts ("
      " upload_id TEXT NOT NULL REFERENCES uploads(upload_id) ON DELETE CASCADE,"
      " part_number INTEGER NOT NULL,"
      " size BIGINT NOT NULL,"
      " etag TEXT NOT NULL,"
      " manifest TEXT NOT NULL,"
      " created_ms BIGINT NOT NULL,"
      " PRIMARY KEY (upload_id, part_number))"},
  {4, "ALTER TABLE objects ADD COLUMN headers TEXT NOT NULL DEFAULT '{}';"
      "ALTER TABLE uploads ADD COLUMN headers TEXT NOT NULL DEFAULT '{}'"},
  {5, "ALTER TABLE objects ADD COLUMN tags TEXT NOT NULL DEFAULT '{}';"
      "ALTER TABLE uploads ADD COLUMN tags TEXT NOT NULL DEFAULT '{}';"
      "ALTER TABLE buckets ADD COLUMN lifecycle TEXT"},
  {6, "CREATE TABLE datasets ("
      " name TEXT PRIMARY KEY,"
      " public_read INTEGER NOT NULL DEFAULT 0,"
      " created_ms BIGINT NOT NULL);"
      "CREATE TABLE ds_versions ("
      " dataset TEXT NOT NULL REFERENCES datasets(name),"
      " id TEXT NOT NULL,"
      " manifest TEXT NOT NULL,"          /* canonical JSON (dataset/dsmanifest.h) */
      " blocks TEXT NOT NULL,"            /* every block, chunk/manifest.h text: the gc root */
      " size BIGINT NOT NULL,"
      " files BIGINT NOT NULL,"
      " created_ms BIGINT NOT NULL,"
      " PRIMARY KEY (dataset, id));"
      "CREATE TABLE ds_tags ("
      " dataset TEXT NOT NULL REFERENCES datasets(name),"
      " tag TEXT NOT NULL,"
      " version TEXT NOT NULL,"
      " floating INTEGER NOT NULL,"
      " updated_ms BIGINT NOT NULL,"
      " PRIMARY KEY (dataset, tag));"
      "CREATE TABLE ds_tag_history ("
      " dataset TEXT NOT NULL,"
      " tag TEXT NOT NULL,"
      " version TEXT NOT NULL,"           /* '' when the tag was deleted */
      " at_ms BIGINT NOT NULL);"
      "CREATE INDEX ds_tag_history_by_tag ON ds_tag_history (dataset, tag, at_ms)"},
  {7, "ALTER TABLE objects ADD COLUMN data BLOB"},   /* small objects inline (inline_max); NULL: chunked */
  /* authorization: owners are user names (they were access keys), canned ACLs replace public_read,
   * grants and policies are JSON; datasets get owners; block claims record who uploaded what */
  {8, "ALTER TABLE buckets ADD COLUMN acl TEXT NOT NULL DEFAULT 'private';"
      "UPDATE buckets SET acl = 'public-read' WHERE public_read = 1;"
      "ALTER TABLE buckets ADD COLUMN grants TEXT;"
      "ALTER TABLE buckets ADD COLUMN policy TEXT;"
      "UPDATE buckets SET owner = (SELECT u.name FROM users u WHERE u.access_key = buckets.owner)"
      " WHERE owner IN (SELECT access_key FROM users);"
      "ALTER TABLE datasets ADD COLUMN owner TEXT NOT NULL DEFAULT '';"
      "CREATE TABLE block_claims ("
      " owner TEXT NOT NULL,"
      " block TEXT NOT NULL,"
      " PRIMARY KEY (owner, block))"},
  /* background tasks: a worker claims one under a lease; dedup_key coalesces identical work */
  {9, "CREATE TABLE tasks ("
      " id TEXT PRIMARY KEY,"
      " kind TEXT NOT NULL,"
      " owner TEXT NOT NULL DEFAULT '',"
      " payload TEXT NOT NULL,"
      " state TEXT NOT NULL,"
      " done BIGINT NOT NULL DEFAULT 0,"
      " total BIGINT NOT NULL DEFAULT 0,"
      " message TEXT NOT NULL DEFAULT '',"
      " result TEXT,"
      " error TEXT,"
      " error_detail TEXT,"
      " attempts INTEGER NOT NULL DEFAULT 0,"
      " max_attempts INTEGER NOT NULL DEFAULT 1,"
      " cancel_requested INTEGER NOT NULL DEFAULT 0,"
      " lease_owner TEXT NOT NULL DEFAULT '',"
      " lease_until_ms BIGINT NOT NULL DEFAULT 0,"
      " run_after_ms BIGINT NOT NULL DEFAULT 0,"
      " dedup_key TEXT,"
      " created_ms BIGINT NOT NULL,"
      " started_ms BIGINT NOT NULL DEFAULT 0,"
      " finished_ms BIGINT NOT NULL DEFAULT 0);"
      "CREATE INDEX tasks_due ON tasks (state, run_after_ms);"
      "CREATE INDEX tasks_by_kind ON tasks (kind, id);"
      "CREATE UNIQUE INDEX tasks_dedup ON tasks (dedup_key) WHERE dedup_key IS NOT NULL"
      " AND state IN ('queued', 'running')"},
  /* regional mirror entries: only a cache of what the mirror buckets hold */
  {10, "CREATE TABLE mirror_entries ("
       " region TEXT NOT NULL,"
       " url_hash TEXT NOT NULL,"
       " url TEXT NOT NULL,"
       " state TEXT NOT NULL,"
       " task_id TEXT NOT NULL DEFAULT '',"
       " etag TEXT NOT NULL DEFAULT '',"
       " last_modified TEXT NOT NULL DEFAULT '',"
       " size BIGINT NOT NULL DEFAULT 0,"
       " expires_ms BIGINT NOT NULL DEFAULT 0,"
       " http_status INTEGER NOT NULL DEFAULT 0,"
       " error TEXT,"
       " error_detail TEXT,"
       " updated_ms BIGINT NOT NULL,"
       " PRIMARY KEY (region, url_hash))"},
  /* a bucket's optional S3 configurations (cors, ...) as one JSON document each */
  {11, "CREATE TABLE bucket_configs ("
       " bucket TEXT NOT NULL,"
       " name TEXT NOT NULL,"
       " value TEXT NOT NULL,"
       " PRIMARY KEY (bucket, name))"},
  /* a part's additional checksum, for the multipart object's composite checksum */
  {12, "ALTER TABLE parts ADD COLUMN checksum TEXT NOT NULL DEFAULT ''"},
};
const int meta_nmigrations = sizeof meta_migrations / sizeof meta_migrations[0];
