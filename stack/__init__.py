"""
The stack the shop runs on: a PostgreSQL primary, two hot-standby streaming replicas and Redis.

One controller serves three callers: ``python -m stack`` (the native stack behind ``make
stack-up``), the pytest plugin (a throwaway copy per test session) and, through the same shell
scripts under ``docker/``, docker compose. ``Stack`` in ``stack.cluster`` is the entry point.
"""
