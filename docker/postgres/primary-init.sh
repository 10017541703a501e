#!/usr/bin/env bash
# Prepares a freshly initialised PostgreSQL primary for streaming replication: the settings, the
# replication role, the pg_hba entry its standbys connect with, and one physical slot per standby.
#
# It runs against the primary just initialised, listening on its socket only: the compose image's
# entrypoint.sh and the native stack (python -m stack) both call it so, with PGUSER naming the
# superuser (psql would otherwise connect as a role named like the OS user, which may not exist).
# Either way the server is restarted afterwards, which applies the settings that need a restart
# (cluster_name).
#
# Environment:
#   PGDATA                the data directory
#   PGUSER                the superuser psql connects as (PGHOST, PGPORT: where, if not the default)
#   REPLICATION_USER      the role the standbys use (default: replicator)
#   REPLICATION_PASSWORD  its password (required: compose's pg_hba wants scram-sha-256)
#   CLUSTER_NAME          shown in ps and pg_stat_activity (default: primary)
#   REPLICA_SLOTS         space-separated slot names, one per standby (e.g. "replica1 replica2");
#                         created now, reserving WAL, so that standbys copied at the same time
#                         cannot lose WAL to each other's checkpoints
#   MAX_SLOT_WAL_KEEP_SIZE  the most WAL a slot may hold back (default: 1GB); a standby stopped
#                         for longer loses its slot and must be copied again, rather than fill
#                         the primary's disk
#   STACK_DURABILITY      "off" only for the throwaway test stack: no fsync, so a power cut may
#                         corrupt the data; never for data you keep
set -euo pipefail

: "${PGDATA:?PGDATA must name the data directory}"
: "${PGUSER:?PGUSER must name the superuser to connect as}"
: "${REPLICATION_PASSWORD:?REPLICATION_PASSWORD must be set}"
replication_user="${REPLICATION_USER:-replicator}"
cluster_name="${CLUSTER_NAME:-primary}"

mkdir -p "$PGDATA/conf.d"
grep -qx "include_dir = 'conf.d'" "$PGDATA/postgresql.conf" \
    || echo "include_dir = 'conf.d'" >>"$PGDATA/postgresql.conf"

cat >"$PGDATA/conf.d/10-replication.conf" <<CONF
# Streaming replication to hot standbys; each standby has its own physical slot, so the primary
# keeps the WAL a stopped standby still needs, up to max_slot_wal_keep_size. Copied to the
# standbys by pg_basebackup.
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
max_slot_wal_keep_size = ${MAX_SLOT_WAL_KEEP_SIZE:-1GB}
hot_standby = on
hot_standby_feedback = on
cluster_name = '$cluster_name'
CONF

if [ "${STACK_DURABILITY:-on}" = "off" ]; then
    cat >"$PGDATA/conf.d/05-throwaway.conf" <<CONF
# Throwaway test stack only: skip fsync. Fast, and unsafe for any data worth keeping.
fsync = off
CONF
fi

echo "host replication $replication_user all scram-sha-256" >>"$PGDATA/pg_hba.conf"

psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --dbname postgres \
    -v user="$replication_user" -v password="$REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE :"user" WITH REPLICATION LOGIN PASSWORD :'password';
SQL

for slot in ${REPLICA_SLOTS:-}; do
    psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --dbname postgres -v slot="$slot" <<'SQL'
SELECT pg_create_physical_replication_slot(:'slot', true);
SQL
done
