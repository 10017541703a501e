"""
Migration rules: what keeps a deploy online while old and new code share one PostgreSQL database.

``rules`` is the catalogue (each rule, why, the safe steps); ``fields`` and ``operations`` judge
Django's migration operations against it, ``sql`` judges raw SQL and data migrations with
django-migration-linter; ``checker`` walks the project's migration graph, applies each
migration's deploy phase (``phases``: expand before the new code, contract after the old is gone)
and reviewed exceptions, and with ``since`` judges only the migrations new since a git revision.
``backfill`` is the batched, resumable data migration the rules ask for, and ``locks`` holds what
``safe_migrate`` needs to apply migrations with lock and statement timeouts.
``postgres_only`` is not a rule but building blocks for migrations that follow them:
``AddIndexConcurrentlyOnPostgres`` and ``PostgresOnlyGinIndex``, which do nothing on SQLite.
docs/migration-rules.md explains each rule with an example.
"""
