#!/usr/bin/env bash
# Makes an empty data directory a hot standby of the primary; the caller then starts the server.
#
# The compose image's entrypoint.sh runs it on a replica's first start, the native stack
# (python -m stack) before it first starts a replica. A data directory that is already a
# standby is left alone, so a restarted replica resumes from its slot.
#
# Environment:
#   PGDATA                the data directory to fill
#   PRIMARY_HOST, PRIMARY_PORT   where the primary listens (port default: 5432)
#   REPLICATION_USER      the replication role (default: replicator)
#   REPLICATION_PASSWORD  its password
#   SLOT_NAME             this standby's physical replication slot on the primary
#   CLUSTER_NAME          this node's name in ps and pg_stat_replication (default: SLOT_NAME)
#   STACK_DURABILITY      "off" only for the throwaway test stack: the copy is not synced to disk
set -euo pipefail

: "${PGDATA:?PGDATA must name the data directory}"
: "${PRIMARY_HOST:?PRIMARY_HOST must name the primary}"
: "${SLOT_NAME:?SLOT_NAME must name the replication slot of this standby}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    export PGHOST="$PRIMARY_HOST" PGPORT="${PRIMARY_PORT:-5432}"
    export PGUSER="${REPLICATION_USER:-replicator}" PGPASSWORD="${REPLICATION_PASSWORD:-}"
    # primary-init.sh created the slot; create it here only for a standby added later.
    slot=$(psql "dbname=replication replication=true" --no-psqlrc --no-align --tuples-only \
        --command="READ_REPLICATION_SLOT $SLOT_NAME")
    options=()
    [ "${slot%%|*}" = physical ] || options+=(--create-slot)
    [ "${STACK_DURABILITY:-on}" = on ] || options+=(--no-sync)
    pg_basebackup --pgdata="$PGDATA" --slot="$SLOT_NAME" "${options[@]}" \
        --write-recovery-conf --wal-method=stream --checkpoint=fast --no-password
    cat >"$PGDATA/conf.d/20-standby.conf" <<CONF
# This node is a hot standby: it serves read-only queries and tells the primary which rows they
# still see, so vacuum on the primary does not cancel them.
hot_standby = on
hot_standby_feedback = on
cluster_name = '${CLUSTER_NAME:-$SLOT_NAME}'
CONF
fi
