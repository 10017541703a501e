"""
docker-compose.yml driven from Python, for ``make compose-test`` (stack/tests/compose/).

``project`` runs Compose (v2's ``docker compose`` where it works, else docker-compose 1.29) on a
project of its own; ``images`` builds every image the file names without a registry; ``journey``
walks a shopper through the shop, ``load`` sends cache-busting reads and times them, and
``faults`` lists what is done to a replica under that load.
"""
