/* sqldb_pg.c - the PostgreSQL driver of sqldb.h over libpq: statements in SQLite's spelling are
 * translated once (sqldb_pg_translate), parameters sent typed (text, int8, bytea) and results read
 * as text. Transactions keep SQLite's meaning across nodes: BEGIN IMMEDIATE takes one transaction-
 * level advisory lock (writers are serialized, as SQLite serializes them), a SAVEPOINT outside a
 * transaction begins one, and a COMMIT of a failed transaction is an error. A lost connection is
 * reset and the statement retried once when no transaction was open; inside one it fails.
 * sqldb_pg_listen: a thread on a connection of its own that LISTENs and calls back per NOTIFY. */
#include "sqldb.h"
#include "../util/alloc.h"
#include "../util/log.h"
#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define PG_MAXPARAMS 32
#define PG_WRITE_LOCK "7135"   /* pg_advisory_xact_lock key of metadata writers */

struct pg_db {
  sqldb base;
  PGconn *conn;
  int64_t changes;
  char err[256];
  char outer_sp[32];   /* the savepoint that began the transaction */
};

struct pg_st {
  sqlst base;
  char *sql;   /* translated */
  int nparams;
  char *val[PG_MAXPARAMS];
  int len[PG_MAXPARAMS], fmt[PG_MAXPARAMS];
  Oid type[PG_MAXPARAMS];
  PGresult *res;
  int row, nrows, executed;
  unsigned char *blob;   /* the last decoded bytea */
};

static const struct sqldb_ops pg_ops;

/* ---- translation (pure) ---- */

static int is_word(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

/* Copies the string literal at *p (quote to quote) to *o as is, advancing both. */
static void copy_literal(const char **p, char **o) {
  const char *e = strchr(*p + 1, '\'');
  size_t k = e ? (size_t)(e - *p) + 1 : strlen(*p);
  memcpy(*o, *p, k);
  *o += k;
  *p += k;
}

/* CAST(x AS BLOB) -> convert_to(x, 'UTF8') (x's bytes: byte order), rowid -> ctid (insertion order) */
static char *rewrite_words(const char *sql) {
  size_t n = strlen(sql);
  char *out = xmalloc(n * 2 + 64), *o = out;
  for (const char *p = sql; *p;) {
    int word_start = p == sql || !is_word(p[-1]);
    if (*p == '\'') { copy_literal(&p, &o); continue; }
    const char *close = word_start && !strncasecmp(p, "CAST(", 5) ? strchr(p, ')') : NULL;
    if (close && close - p >= 13 && !strncmp(close - 8, " AS BLOB", 8)) {
      o += sprintf(o, "convert_to(%.*s, 'UTF8')", (int)(close - 8 - (p + 5)), p + 5);
      p = close + 1;
      continue;
    }
    if (word_start && !strncmp(p, "rowid", 5) && !is_word(p[5])) { o += sprintf(o, "ctid"); p += 5; continue; }
    *o++ = *p++;
  }
  *o = 0;
  return out;
}

char *sqldb_pg_translate(const char *sql, int *nparams) {
  char *in = rewrite_words(sql);
  char *out = xmalloc(strlen(in) * 2 + 64), *o = out;
  int max = 0;
  for (const char *p = in; *p;) {
    if (*p == '\'') { copy_literal(&p, &o); continue; }
    if (*p == '?') {   /* ?N keeps its number; a bare ? is one past the highest so far (SQLite's rule) */
      char *end = (char *)p + 1;
      long num = p[1] >= '0' && p[1] <= '9' ? strtol(p + 1, &end, 10) : max + 1;
      if (num > max) max = (int)num;
      o += sprintf(o, "$%ld", num);
      p = end;
      continue;
    }
    *o++ = *p++;
  }
  *o = 0;
  xfree(in);
  *nparams = max;
  return out;
}

char *sqldb_pg_ddl(const char *sql) {
  size_t n = strlen(sql);
  char *out = xmalloc(n * 3 + 1), *o = out;
  for (const char *p = sql; *p;) {
    int word_start = p == sql || !is_word(p[-1]);
    if (word_start && !strncmp(p, "BLOB", 4) && !is_word(p[4])) { o += sprintf(o, "BYTEA"); p += 4; continue; }
    if (word_start && !strncmp(p, "TEXT", 4) && !is_word(p[4])) { o += sprintf(o, "TEXT COLLATE \"C\""); p += 4; continue; }
    *o++ = *p++;
  }
  *o = 0;
  return out;
}

/* ---- the connection ---- */

static void set_err(struct pg_db *db, const char *what) {
  const char *m = PQerrorMessage(db->conn);
  snprintf(db->err, sizeof db->err, "%s: %.*s", what, (int)strcspn(m, "\n"), m);
}

/* A dropped connection comes back when no transaction was open (there is nothing to lose). */
static int revive(struct pg_db *db) {
  if (PQstatus(db->conn) == CONNECTION_OK) return 0;
  PQreset(db->conn);
  if (PQstatus(db->conn) != CONNECTION_OK) { set_err(db, "reconnect"); return -1; }
  LOGI("postgres: connection re-established");
  db->outer_sp[0] = 0;
  return 0;
}

static int result_code(struct pg_db *db, PGresult *r) {
  ExecStatusType s = PQresultStatus(r);
  if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) return 0;
  const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  const char *m = PQresultErrorMessage(r);
  snprintf(db->err, sizeof db->err, "%.*s", (int)strcspn(m, "\n"), m);
  if (PQstatus(db->conn) != CONNECTION_OK) return SQLDB_LOST;
  if (state && !strncmp(state, "23", 2)) return SQLDB_CONSTRAINT;
  if (state && (!strncmp(state, "08", 2) || !strncmp(state, "57P", 3))) return SQLDB_LOST;
  return SQLDB_ERROR;
}

static int run(struct pg_db *db, const char *sql) {
  int idle = PQtransactionStatus(db->conn) == PQTRANS_IDLE || PQstatus(db->conn) != CONNECTION_OK;
  for (int attempt = 0;; attempt++) {
    PGresult *r = PQexec(db->conn, sql);
    int rc = result_code(db, r);
    if (!rc) db->changes = atoll(PQcmdTuples(r));
    PQclear(r);
    if (rc == SQLDB_LOST && idle && attempt == 0 && !revive(db)) continue;
    return rc;
  }
}

static int p_exec(sqldb *d, const char *sql) {
  struct pg_db *db = (struct pg_db *)d;
  PGTransactionStatusType ts = PQtransactionStatus(db->conn);
  if (!strcmp(sql, "BEGIN IMMEDIATE")) return run(db, "BEGIN; SELECT pg_advisory_xact_lock(" PG_WRITE_LOCK ")");
  if (!strcmp(sql, "COMMIT")) {
    if (ts == PQTRANS_INERROR) { run(db, "ROLLBACK"); snprintf(db->err, sizeof db->err, "commit of a failed transaction"); return SQLDB_ERROR; }
    return run(db, "COMMIT");
  }
  if (!strncmp(sql, "SAVEPOINT ", 10) && ts == PQTRANS_IDLE) {
    snprintf(db->outer_sp, sizeof db->outer_sp, "%s", sql + 10);
    return run(db, "BEGIN; SELECT pg_advisory_xact_lock(" PG_WRITE_LOCK ")");
  }
  if (db->outer_sp[0] && !strncmp(sql, "RELEASE ", 8) && !strcmp(sql + 8, db->outer_sp)) {
    db->outer_sp[0] = 0;
    if (ts == PQTRANS_IDLE) return 0;   /* rolled back already */
    return p_exec(d, "COMMIT");
  }
  if (db->outer_sp[0] && !strncmp(sql, "ROLLBACK TO ", 12) && !strcmp(sql + 12, db->outer_sp))
    return run(db, "ROLLBACK");   /* RELEASE then finds the transaction ended */
  if (!strcmp(sql, "ROLLBACK") && ts == PQTRANS_IDLE) return 0;
  return run(db, sql);
}

static int p_lost(sqldb *d) { return PQstatus(((struct pg_db *)d)->conn) != CONNECTION_OK; }
static const char *p_errmsg(sqldb *d) { return ((struct pg_db *)d)->err; }
static int64_t p_changes(sqldb *d) { return ((struct pg_db *)d)->changes; }
static void p_close(sqldb *d) {
  struct pg_db *db = (struct pg_db *)d;
  PQfinish(db->conn);
  xfree(db);
}

/* ---- statements ---- */

static int p_prepare(sqldb *d, const char *sql, sqlst **out) {
  struct pg_st *s = xcalloc(1, sizeof *s);
  s->base.ops = &pg_ops;
  s->base.db = d;
  s->sql = sqldb_pg_translate(sql, &s->nparams);
  if (s->nparams > PG_MAXPARAMS) {
    snprintf(((struct pg_db *)d)->err, sizeof ((struct pg_db *)d)->err, "too many parameters");
    xfree(s->sql); xfree(s);
    return SQLDB_ERROR;
  }
  *out = &s->base;
  return 0;
}

static void clear_result(struct pg_st *s) {
  if (s->res) PQclear(s->res);
  s->res = NULL;
  s->executed = s->row = s->nrows = 0;
  xfree(s->blob);
  s->blob = NULL;
}

static void p_reset(sqlst *b) {
  struct pg_st *s = (struct pg_st *)b;
  clear_result(s);
  for (int i = 0; i < PG_MAXPARAMS; i++) { xfree(s->val[i]); s->val[i] = NULL; s->type[i] = 0; s->fmt[i] = 0; s->len[i] = 0; }
}

static void p_finalize(sqlst *b) {
  struct pg_st *s = (struct pg_st *)b;
  p_reset(b);
  xfree(s->sql);
  xfree(s);
}

static void put(struct pg_st *s, int i, char *v, int len, int fmt, Oid type) {
  if (i < 1 || i > PG_MAXPARAMS) { xfree(v); return; }
  xfree(s->val[i - 1]);
  s->val[i - 1] = v; s->len[i - 1] = len; s->fmt[i - 1] = fmt; s->type[i - 1] = type;
}
static void p_bind_text(sqlst *b, int i, const char *v) { put((struct pg_st *)b, i, v ? xstrdup(v) : NULL, 0, 0, 25); }
static void p_bind_int64(sqlst *b, int i, int64_t v) {
  char *t = xmalloc(24);
  snprintf(t, 24, "%lld", (long long)v);
  put((struct pg_st *)b, i, t, 0, 0, 20);
}
static void p_bind_blob(sqlst *b, int i, const void *p, size_t n) {
  char *t = xmalloc(n + 1);
  if (n) memcpy(t, p, n);
  put((struct pg_st *)b, i, t, (int)n, 1, 17);
}
static void p_bind_null(sqlst *b, int i) { put((struct pg_st *)b, i, NULL, 0, 0, 0); }

static int p_step(sqlst *b) {
  struct pg_st *s = (struct pg_st *)b;
  struct pg_db *db = (struct pg_db *)b->db;
  if (!s->executed) {
    int idle = PQtransactionStatus(db->conn) == PQTRANS_IDLE || PQstatus(db->conn) != CONNECTION_OK;
    for (int attempt = 0;; attempt++) {
      s->res = PQexecParams(db->conn, s->sql, s->nparams, s->type, (const char *const *)s->val, s->len, s->fmt, 0);
      int rc = result_code(db, s->res);
      if (rc == SQLDB_LOST && idle && attempt == 0 && !revive(db)) { PQclear(s->res); s->res = NULL; continue; }
      s->executed = 1;
      if (rc) return rc;
      break;
    }
    s->nrows = PQntuples(s->res);
    s->row = -1;
    db->changes = atoll(PQcmdTuples(s->res));
  }
  xfree(s->blob);
  s->blob = NULL;
  if (s->row + 1 < s->nrows) { s->row++; return SQLDB_ROW; }
  return SQLDB_DONE;
}

static const char *p_column_text(sqlst *b, int i) {
  struct pg_st *s = (struct pg_st *)b;
  if (!s->res || s->row < 0 || i >= PQnfields(s->res) || PQgetisnull(s->res, s->row, i)) return NULL;
  return PQgetvalue(s->res, s->row, i);
}
static int64_t p_column_int64(sqlst *b, int i) {
  const char *v = p_column_text(b, i);
  if (!v) return 0;
  if (!strcmp(v, "t")) return 1;
  if (!strcmp(v, "f")) return 0;
  return strtoll(v, NULL, 10);
}
static int p_column_isnull(sqlst *b, int i) { return p_column_text(b, i) == NULL; }
static int hexval(char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1; }
static const void *p_column_blob(sqlst *b, int i, size_t *n) {
  struct pg_st *s = (struct pg_st *)b;
  const char *v = p_column_text(b, i);
  *n = 0;
  if (!v) return NULL;
  if (v[0] != '\\' || v[1] != 'x') { *n = strlen(v); return v; }   /* not bytea: the text's bytes */
  size_t h = strlen(v + 2) / 2;
  xfree(s->blob);
  s->blob = xmalloc(h + 1);
  for (size_t k = 0; k < h; k++) {
    int hi = hexval(v[2 + 2 * k]), lo = hexval(v[3 + 2 * k]);
    if (hi < 0 || lo < 0) return NULL;
    s->blob[k] = (unsigned char)(hi << 4 | lo);
  }
  *n = h;
  return s->blob;
}
static const char *p_column_name(sqlst *b, int i) { struct pg_st *s = (struct pg_st *)b; return s->res ? PQfname(s->res, i) : NULL; }
static int p_column_type(sqlst *b, int i) {
  struct pg_st *s = (struct pg_st *)b;
  if (p_column_isnull(b, i)) return SQLDB_T_NULL;
  Oid t = PQftype(s->res, i);
  return t == 17 ? SQLDB_T_BLOB : t == 20 || t == 21 || t == 23 ? SQLDB_T_INT : SQLDB_T_TEXT;
}
static int p_column_count(sqlst *b) { struct pg_st *s = (struct pg_st *)b; return s->res ? PQnfields(s->res) : 0; }

static const struct sqldb_ops pg_ops = {
  p_prepare, p_finalize, p_reset, p_bind_text, p_bind_int64, p_bind_blob, p_bind_null, p_step,
  p_column_text, p_column_int64, p_column_isnull, p_column_blob, p_column_count, p_column_name, p_column_type, p_changes, p_exec,
  p_errmsg, p_close, p_lost,
};

static void quiet(void *arg, const char *msg) { (void)arg; (void)msg; }   /* NOTICEs are not errors */

int sqldb_open_pg(const char *url, sqldb **out, char *err, size_t errlen) {
  PGconn *c = PQconnectdb(url);
  if (!c || PQstatus(c) != CONNECTION_OK) {
    const char *m = c ? PQerrorMessage(c) : "out of memory";
    snprintf(err, errlen, "cannot connect to PostgreSQL: %.*s", (int)strcspn(m, "\n"), m);
    PQfinish(c);
    return SQLDB_ERROR;
  }
  PQsetNoticeProcessor(c, quiet, NULL);
  struct pg_db *db = xcalloc(1, sizeof *db);
  db->base.ops = &pg_ops;
  db->base.pg = 1;
  db->conn = c;
  *out = &db->base;
  return 0;
}

/* ---- LISTEN: a thread with its own connection ---- */

struct sqldb_listener {
  char *url;
  const char *const *channels;
  void (*fn)(void *ctx, const char *channel);
  void *ctx;
  pthread_t thread;
  atomic_int stop;
};

static PGconn *listen_connect(struct sqldb_listener *l) {
  PGconn *c = PQconnectdb(l->url);
  if (PQstatus(c) != CONNECTION_OK) { PQfinish(c); return NULL; }
  PQsetNoticeProcessor(c, quiet, NULL);
  for (int i = 0; l->channels[i]; i++) {
    char q[96];
    snprintf(q, sizeof q, "LISTEN %s", l->channels[i]);
    PGresult *r = PQexec(c, q);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) { PQfinish(c); return NULL; }
  }
  return c;
}

static void *listen_main(void *arg) {
  struct sqldb_listener *l = arg;
  PGconn *c = NULL;
  while (!atomic_load(&l->stop)) {
    if (!c) {
      if (!(c = listen_connect(l))) { for (int i = 0; i < 10 && !atomic_load(&l->stop); i++) usleep(100000); continue; }
      l->fn(l->ctx, "*");   /* (re)connected: whatever was missed meanwhile may have changed */
    }
    struct pollfd p = {PQsocket(c), POLLIN, 0};
    if (poll(&p, 1, 200) < 0 && errno != EINTR) { PQfinish(c); c = NULL; continue; }
    if (!PQconsumeInput(c) || PQstatus(c) != CONNECTION_OK) { PQfinish(c); c = NULL; continue; }
    PGnotify *n;
    while ((n = PQnotifies(c))) { l->fn(l->ctx, n->relname); PQfreemem(n); }
  }
  PQfinish(c);
  return NULL;
}

int sqldb_pg_listen(const char *url, const char *const *channels, void (*fn)(void *ctx, const char *channel), void *ctx,
                    struct sqldb_listener **out) {
  struct sqldb_listener *l = xcalloc(1, sizeof *l);
  l->url = xstrdup(url);
  l->channels = channels;
  l->fn = fn;
  l->ctx = ctx;
  if (pthread_create(&l->thread, NULL, listen_main, l)) { xfree(l->url); xfree(l); return SQLDB_ERROR; }
  *out = l;
  return 0;
}

void sqldb_pg_unlisten(struct sqldb_listener *l) {
  if (!l) return;
  atomic_store(&l->stop, 1);
  pthread_join(l->thread, NULL);
  xfree(l->url);
  xfree(l);
}
