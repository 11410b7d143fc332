#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on loopback for the tests and prints the connection string.
# Usage: eval "$(scripts/pg-start.sh)"   → exports SCOPEWEB_TEST_POSTGRES and PGDATA
# Stop:  scripts/pg-stop.sh
set -euo pipefail
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "PostgreSQL binaries not found (apt-get install postgresql)" >&2
  exit 1
fi
# One cluster per checkout, on a free port: two checkouts testing at once must not wipe each other's database.
CHECKOUT=$(cd "$(dirname "$0")/.." && pwd | cksum | cut -d' ' -f1)
export PGDATA=${PGDATA:-/tmp/scopeweb-pgdata-$CHECKOUT}
if [ -z "${PGPORT:-}" ]; then
  PGPORT=5433
  while (exec 3<>"/dev/tcp/127.0.0.1/$PGPORT") 2>/dev/null; do PGPORT=$((PGPORT + 1)); done
fi
RUN=()
OWNER=$(id -un)
# initdb refuses to run as root, and CI runs as root.
if [ "$(id -u)" = 0 ]; then RUN=(runuser -u postgres --); OWNER=postgres; fi
if [ -f "$PGDATA/postmaster.pid" ]; then "${RUN[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true; fi
rm -rf "$PGDATA"
install -d -m 700 -o "$OWNER" "$PGDATA"
"${RUN[@]}" "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --no-sync >/dev/null
"${RUN[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
  -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
"$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT"
echo "export PGDATA='$PGDATA'"
echo "export SCOPEWEB_TEST_POSTGRES='Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres'"
