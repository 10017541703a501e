#!/usr/bin/env bash
# Starts the shop on the stack: the expand migrations (on the primary only; the contract ones wait
# for `make migrate-contract` once no older release serves), static files, a demo catalog
# when the database is empty, the superuser when one is asked for and missing, the cache warmed,
# then gunicorn. The compose `web` service runs it, and so does `make serve` with the native
# stack's environment (python -m stack env).
#
# Environment: DATABASE_URL, DATABASE_REPLICA_URLS, REDIS_URL as for the settings;
#   SECRET_KEY      generated once into var/secret_key when unset
#   SEED_PRODUCTS   size of the demo catalog (default: 2000)
#   SITE_URL        the scheme and host users browse, part of every cached page's key: the
#                   warm-up renders the pages under it (default: http://127.0.0.1:8000)
#   DJANGO_SUPERUSER_USERNAME, _PASSWORD, _EMAIL   a staff account to create unless it exists
#   PYTHON          the interpreter (default: python)
#   METRICS_TOKEN   the bearer token /metrics accepts (empty: staff sessions only)
#   LOG_FORMAT      plain (default) or json, for the shop's and gunicorn's logs
#   PROMETHEUS_MULTIPROC_DIR  where the workers keep their metrics (default: var/prometheus,
#                   emptied by shop/gunicorn.conf.py when gunicorn starts)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
python="${PYTHON:-python}"

export DEBUG="${DEBUG:-False}"
if [ -z "${SECRET_KEY:-}" ]; then
    if [ ! -s var/secret_key ]; then
        mkdir -p var
        (umask 077 && "$python" -c 'import secrets; print(secrets.token_urlsafe(50))' >var/secret_key)
    fi
    SECRET_KEY="$(cat var/secret_key)"
    export SECRET_KEY
fi

echo "==> Migrating the primary (expand phase)"
"$python" manage.py safe_migrate --noinput --phase expand
echo "==> Collecting static files"
"$python" manage.py collectstatic --noinput --verbosity 0
echo "==> Seeding the demo catalog if the database is empty"
"$python" manage.py seed_catalog --products "${SEED_PRODUCTS:-2000}" --if-empty
if [ -n "${DJANGO_SUPERUSER_USERNAME:-}" ]; then
    echo "==> Creating the superuser $DJANGO_SUPERUSER_USERNAME unless it exists"
    "$python" manage.py ensure_superuser
fi
echo "==> Warming the cache for ${SITE_URL:=http://127.0.0.1:8000}"
"$python" manage.py rebuild_cache --base-url "$SITE_URL"
echo "==> Serving the shop with gunicorn"
exec "$python" -m gunicorn --config shop/gunicorn.conf.py
