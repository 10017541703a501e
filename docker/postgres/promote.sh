#!/usr/bin/env bash
# Promotes this hot standby to primary, as an operator (or Patroni) does: `pg_promote()` ends
# recovery once everything received is replayed, then the slots the other standbys will stream
# from are created, as the old primary had them (slots are not copied by a base backup).
#
# Fence the old primary first (stop it, and keep it stopped): two primaries taking writes is the
# one failure no later step repairs. `make promote-replica` does all of it; in compose:
#
#   docker compose stop db-primary
#   docker compose exec -u postgres -e REPLICA_SLOTS=replica2 db-replica1 promote.sh
#   docker compose exec -u postgres db-replica2 follow.sh db-replica1 5432
#
# Environment:
#   PGHOST, PGPORT, PGUSER  how to reach this server (default: its local socket, as postgres,
#                           the superuser in the image)
#   REPLICA_SLOTS           space-separated slot names of the standbys that will follow this one
set -euo pipefail

export PGUSER="${PGUSER:-postgres}" PGDATABASE=postgres

psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --tuples-only --no-align <<'SQL' | grep -qx t
SELECT pg_promote(wait => true, wait_seconds => 60);
SQL

for slot in ${REPLICA_SLOTS:-}; do
    psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet -v slot="$slot" <<'SQL'
SELECT pg_create_physical_replication_slot(:'slot', true)
 WHERE NOT EXISTS (SELECT FROM pg_replication_slots WHERE slot_name = :'slot');
SQL
done
