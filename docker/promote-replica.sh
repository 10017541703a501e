#!/usr/bin/env bash
# `make promote-replica` for compose: fence db-primary, promote db-replicaN, point the other
# replica at it. The same promote.sh and follow.sh run natively (python -m stack promote-replica).
#
#   docker/promote-replica.sh 1          # COMPOSE="docker-compose" for Compose v1
#
# The web service follows only if its DATABASE_URL lists every node with
# target_session_attrs=read-write (docs/chaos.md). The fenced db-primary must not be started again
# as it is: it would be a second primary. Bring it back as a standby from a fresh base backup
# (an empty volume and replica-bootstrap.sh with PRIMARY_HOST=db-replicaN), or with pg_rewind.
set -euo pipefail

number="${1:?usage: docker/promote-replica.sh N   (N: 1 or 2)}"
case "$number" in
    1) other=2 ;;
    2) other=1 ;;
    *) echo "promote-replica.sh: N is 1 or 2, not $number" >&2; exit 2 ;;
esac
cd "$(dirname "${BASH_SOURCE[0]}")/.."
read -r -a compose <<<"${COMPOSE:-docker compose}"

# Fence first. The image stops PostgreSQL with SIGINT (a fast shutdown), which sends the standbys
# every WAL record before the server exits; `restart: unless-stopped` leaves a stopped one alone.
"${compose[@]}" stop db-primary
"${compose[@]}" exec -T -u postgres -e REPLICA_SLOTS="replica$other" "db-replica$number" \
    promote.sh
"${compose[@]}" exec -T -u postgres -e SLOT_NAME="replica$other" "db-replica$other" \
    follow.sh "db-replica$number" 5432
echo "db-replica$number is the primary; db-primary is stopped (fenced); db-replica$other follows."
