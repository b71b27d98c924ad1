/* sqldb.h - one small SQL connection interface with two drivers: SQLite (sqldb_sqlite.c, the
 * embedded default) and PostgreSQL (sqldb_pg.c, libpq), so the metadata code (meta_sql*.c) is
 * written once. SQL is written in SQLite's spelling (`?` and `?N` parameters, BEGIN IMMEDIATE,
 * SAVEPOINT outside a transaction, CAST(x AS BLOB) for byte order); the PostgreSQL driver
 * translates that small set (sqldb_pg_translate) and nothing else. Not thread-safe: meta.c
 * serializes every call on a connection. */
#ifndef CAIRN_SQLDB_H
#define CAIRN_SQLDB_H
#include <stddef.h>
#include <stdint.h>

typedef struct sqldb sqldb;
typedef struct sqlst sqlst;

enum { SQLDB_T_NULL, SQLDB_T_INT, SQLDB_T_TEXT, SQLDB_T_BLOB };
enum { SQLDB_ROW = 100, SQLDB_DONE = 101, SQLDB_CONSTRAINT = 102, SQLDB_ERROR = 103, SQLDB_LOST = 104 };

struct sqldb_ops {
  int (*prepare)(sqldb *db, const char *sql, sqlst **st);
  void (*finalize)(sqlst *st);
  void (*reset)(sqlst *st);   /* ready to bind and step again */
  void (*bind_text)(sqlst *st, int i, const char *s);   /* NULL binds a NULL text */
  void (*bind_int64)(sqlst *st, int i, int64_t v);
  void (*bind_blob)(sqlst *st, int i, const void *p, size_t n);
  void (*bind_null)(sqlst *st, int i);   /* a NULL of the type the statement gives it */
  int (*step)(sqlst *st);   /* SQLDB_ROW, SQLDB_DONE, SQLDB_CONSTRAINT, SQLDB_LOST or SQLDB_ERROR */
  const char *(*column_text)(sqlst *st, int i);   /* NULL for NULL */
  int64_t (*column_int64)(sqlst *st, int i);
  int (*column_isnull)(sqlst *st, int i);
  const void *(*column_blob)(sqlst *st, int i, size_t *n);
  int (*column_count)(sqlst *st);
  const char *(*column_name)(sqlst *st, int i);
  int (*column_type)(sqlst *st, int i);   /* SQLDB_T_NULL, _INT, _TEXT or _BLOB (of the value, in SQLite) */
  int64_t (*changes)(sqldb *db);   /* rows the last statement changed */
  int (*exec)(sqldb *db, const char *sql);   /* one or more statements without parameters */
  const char *(*errmsg)(sqldb *db);
  void (*close)(sqldb *db);
  int (*lost)(sqldb *db);   /* the server cannot be reached (PostgreSQL); may be NULL */
};

/* every driver's statement starts with this */
struct sqlst { const struct sqldb_ops *ops; sqldb *db; };

#define SQLDB_CACHED 24
struct sqldb {
  const struct sqldb_ops *ops;
  int pg;   /* the PostgreSQL dialect */
  struct { const char *sql; sqlst *st; } cache[SQLDB_CACHED];   /* hot statements, prepared once */
};

/* open: SQLite path, or a postgres:// (postgresql://) URL. The error (one line) goes in err. */
int sqldb_open_sqlite(const char *path, sqldb **out, char *err, size_t errlen);
int sqldb_open_pg(const char *url, sqldb **out, char *err, size_t errlen);

static inline void sql_bind_text(sqlst *st, int i, const char *s) { st->ops->bind_text(st, i, s); }
static inline void sql_bind_int64(sqlst *st, int i, int64_t v) { st->ops->bind_int64(st, i, v); }
static inline void sql_bind_blob(sqlst *st, int i, const void *p, size_t n) { st->ops->bind_blob(st, i, p, n); }
static inline void sql_bind_null(sqlst *st, int i) { st->ops->bind_null(st, i); }
static inline int sql_step(sqlst *st) { return st->ops->step(st); }
static inline const char *sql_column_text(sqlst *st, int i) { return st->ops->column_text(st, i); }
static inline int64_t sql_column_int64(sqlst *st, int i) { return st->ops->column_int64(st, i); }
static inline int sql_column_int(sqlst *st, int i) { return (int)st->ops->column_int64(st, i); }
static inline int sql_column_isnull(sqlst *st, int i) { return st->ops->column_isnull(st, i); }
static inline const void *sql_column_blob(sqlst *st, int i, size_t *n) { return st->ops->column_blob(st, i, n); }
static inline int sql_column_count(sqlst *st) { return st->ops->column_count(st); }
static inline const char *sql_column_name(sqlst *st, int i) { return st->ops->column_name(st, i); }
static inline int sql_column_type(sqlst *st, int i) { return st->ops->column_type(st, i); }
static inline int64_t sqldb_changes(sqldb *db) { return db->ops->changes(db); }
static inline int sqldb_exec(sqldb *db, const char *sql) { return db->ops->exec(db, sql); }
static inline const char *sqldb_errmsg(sqldb *db) { return db->ops->errmsg(db); }
static inline int sqldb_prepare(sqldb *db, const char *sql, sqlst **st) { return db->ops->prepare(db, sql, st); }
/* A statement for sql (a string literal: its address is the key), prepared once; sqldb_release it. */
int sqldb_prepare_cached(sqldb *db, const char *sql, sqlst **st);
void sqldb_release(sqlst *st);
void sqldb_finalize(sqlst *st);
void sqldb_close(sqldb *db);

/* PostgreSQL LISTEN: a thread with a connection of its own calls fn(ctx, channel) for each
 * NOTIFY on one of channels (a NULL-terminated list that must outlive the listener), and
 * fn(ctx, "*") after each (re)connection, when notifications may have been missed. */
struct sqldb_listener;
int sqldb_pg_listen(const char *url, const char *const *channels, void (*fn)(void *ctx, const char *channel), void *ctx,
                    struct sqldb_listener **out);
void sqldb_pg_unlisten(struct sqldb_listener *l);

/* The PostgreSQL spelling of sql (heap), with the number of parameters in *nparams. Pure. */
char *sqldb_pg_translate(const char *sql, int *nparams);
/* The PostgreSQL spelling of a migration's DDL: BLOB is BYTEA, TEXT compares bytes (COLLATE "C"). */
char *sqldb_pg_ddl(const char *sql);

#endif
