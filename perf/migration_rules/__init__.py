"""
Migration rules: what keeps a deploy online while old and new code share one PostgreSQL database.

``rules`` is the catalogue (each rule, why, the safe steps); ``operations`` judges Django's
migration operations against it, ``sql`` judges raw SQL and data migrations with
django-migration-linter; ``checker`` walks the project's migration graph and applies reviewed
exceptions. ``backfill`` is the batched, resumable data migration the rules ask for, and ``locks``
holds what ``safe_migrate`` needs to apply migrations with lock and statement timeouts.
docs/migration-rules.md explains each rule with an example.
"""
