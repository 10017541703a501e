#!/usr/bin/env bash
# The PostgreSQL container of docker-compose.yml: `entrypoint.sh primary` or `entrypoint.sh replica`.
#
# On the first start it makes the cluster the way the native stack does (stack/postgres.py):
# initdb, then primary-init.sh against a server listening on its socket only; or, for a replica,
# replica-bootstrap.sh. The cluster is made in a sibling directory and renamed when complete, so
# a container stopped halfway leaves nothing that a restart would take for a finished cluster.
# Then, and on every later start, the server runs in the foreground.
#
# Environment (besides the scripts' own: REPLICATION_*, CLUSTER_NAME, REPLICA_SLOTS, PRIMARY_*,
# SLOT_NAME):
#   PGDATA             the cluster's directory (set by the image)
#   DATABASE_NAME      the shop's database, made on the primary (default: shop)
#   DATABASE_USER      the role owning it, which the shop connects as (default: shop)
#   DATABASE_PASSWORD  its password (required on the primary)
set -euo pipefail

role="${1:?Usage: entrypoint.sh primary|replica}"
cluster="$PGDATA"

make_primary() {
    : "${DATABASE_PASSWORD:?DATABASE_PASSWORD must be set}"
    initdb --pgdata="$PGDATA" --username=postgres --encoding=UTF8 --locale=C.UTF-8 \
        --auth-local=peer --auth-host=scram-sha-256
    # The other containers of the network connect over TCP, with passwords.
    echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
    pg_ctl start --wait --pgdata="$PGDATA" --options="-c listen_addresses=''"
    PGUSER=postgres primary-init.sh
    psql --username=postgres --dbname=postgres -v ON_ERROR_STOP=1 --no-psqlrc --quiet \
        -v user="${DATABASE_USER:-shop}" -v password="$DATABASE_PASSWORD" \
        -v database="${DATABASE_NAME:-shop}" <<'SQL'
-- pg_monitor: the replica router reads pg_stat_replication to measure lag.
CREATE ROLE :"user" WITH LOGIN PASSWORD :'password' IN ROLE pg_monitor;
CREATE DATABASE :"database" OWNER :"user";
SQL
    pg_ctl stop --wait --pgdata="$PGDATA" --mode=fast
}

if [ ! -s "$cluster/PG_VERSION" ]; then
    export PGDATA="$cluster.new"
    rm -rf "$PGDATA"
    case "$role" in
        primary) make_primary ;;
        replica) replica-bootstrap.sh ;;
        *) echo "Unknown role $role: primary or replica" >&2 && exit 2 ;;
    esac
    mv "$PGDATA" "$cluster"
    export PGDATA="$cluster"
fi

exec postgres -D "$PGDATA" -c listen_addresses='*'
