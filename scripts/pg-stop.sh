#!/usr/bin/env bash
# Stops the cluster started by pg-start.sh.
set -u
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
CHECKOUT=$(cd "$(dirname "$0")/.." && pwd | cksum | cut -d' ' -f1)
PGDATA=${PGDATA:-/tmp/scopeweb-pgdata-$CHECKOUT}
RUN=()
if [ "$(id -u)" = 0 ]; then RUN=(runuser -u postgres --); fi
[ -f "$PGDATA/postmaster.pid" ] && "${RUN[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1
exit 0
