#!/usr/bin/env bash
# Points this hot standby at a new primary, as Patroni does after a promotion: a new
# `primary_conninfo` and a reload (no restart since PostgreSQL 13). The standby follows the new
# primary's timeline (recovery_target_timeline defaults to latest) and streams from its slot.
#
#   follow.sh NEW_PRIMARY_HOST [NEW_PRIMARY_PORT]
#
# Environment:
#   PGHOST, PGPORT, PGUSER  how to reach this standby (default: its local socket, as postgres,
#                           the superuser in the image)
#   REPLICATION_USER, REPLICATION_PASSWORD   the replication role (as for replica-bootstrap.sh)
#   SLOT_NAME               this standby's slot on the new primary (default: unchanged)
set -euo pipefail

: "${1:?usage: follow.sh NEW_PRIMARY_HOST [NEW_PRIMARY_PORT]}"
export PGUSER="${PGUSER:-postgres}" PGDATABASE=postgres
conninfo="host=$1 port=${2:-5432} user=${REPLICATION_USER:-replicator}"
conninfo+=" password=${REPLICATION_PASSWORD:-}"

standby=$(psql --no-psqlrc --tuples-only --no-align --command="SELECT pg_is_in_recovery()")
if [ "$standby" != t ]; then
    echo "follow.sh: this server is not a standby, so it cannot follow another primary." >&2
    exit 1
fi
psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet -v conninfo="$conninfo" <<'SQL'
ALTER SYSTEM SET primary_conninfo = :'conninfo';
SQL
if [ -n "${SLOT_NAME:-}" ]; then
    psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet -v slot="$SLOT_NAME" <<'SQL'
ALTER SYSTEM SET primary_slot_name = :'slot';
SQL
fi
psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --command="SELECT pg_reload_conf()" >/dev/null
