#!/usr/bin/env bash
# postgres.sh up DIR | down DIR - a throw-away PostgreSQL 15 on 127.0.0.1 for tests: initdb (as the
# postgres user: initdb refuses root) in DIR/data, a free loopback port, no fsync (a test cluster),
# passwords checked on TCP (the admin uses the socket in DIR), one database "cairn" owned by a
# user "cairn" (password cairn); its URL in DIR/pg.env as PG_URL. down stops it and
# removes DIR; stop (immediate, as a crash) and start take it away and bring it back on its port.
set -euo pipefail
cmd=${1:-up}; D=$2
BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_opts() { echo "-h 127.0.0.1 -p $1 -k $D -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"; }
if [ "$cmd" = stop ]; then as_pg "$BIN/pg_ctl" -D "$D/data" -m immediate -w stop > /dev/null; exit 0; fi
if [ "$cmd" = start ]; then
  . "$D/pg.env"
  as_pg "$BIN/pg_ctl" -D "$D/data" -l "$D/log" -w -t 60 -o "$(pg_opts "$PG_PORT")" start > /dev/null
  exit 0
fi
if [ "$cmd" = down ]; then
  [ -f "$D/data/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$D/data" -m immediate -w stop > /dev/null 2>&1 || true
  rm -rf "$D"
  exit 0
fi
[ -x "$BIN/initdb" ] || { echo "PostgreSQL is not installed ($BIN/initdb)" >&2; exit 1; }
mkdir -p "$D"
[ "$(id -u)" = 0 ] && chown postgres "$D"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg "$BIN/initdb" -D "$D/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 --locale=C.UTF-8 -E UTF8 > "$D/initdb.out" 2>&1
as_pg "$BIN/pg_ctl" -D "$D/data" -l "$D/log" -w -t 60 \
  -o "$(pg_opts "$PORT")" start > /dev/null
psql_() { as_pg psql -h "$D" -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -q "$@"; }
psql_ -c "CREATE USER cairn PASSWORD 'cairn'" -c "CREATE DATABASE cairn OWNER cairn"
echo "PG_URL=postgres://cairn:cairn@127.0.0.1:$PORT/cairn" > "$D/pg.env"
echo "PG_PORT=$PORT" >> "$D/pg.env"
