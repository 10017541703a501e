"""
Migration operations and indexes that keep a deploy online on PostgreSQL and still run on other
databases.

Django's ``AddIndexConcurrently`` builds an index without locking writes, but it only exists for
PostgreSQL: on SQLite (a project's embedded default, its quick tests) it fails. A migration that
must run everywhere uses ``AddIndexConcurrentlyOnPostgres`` instead: ``CREATE INDEX CONCURRENTLY``
on PostgreSQL, nothing on other databases, and the same migration state on both, so
``makemigrations --check`` stays clean. The migration holding it must set ``atomic = False``.

An index that only PostgreSQL can build (a GIN index on a tsvector expression) must also stay out
of the way later: SQLite rebuilds a whole table to alter one of its columns, re-creating every index
in ``Meta.indexes``. ``PostgresOnlyGinIndex`` gives an empty statement there.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db.backends.ddl_references import Statement


def _on_postgres(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    """``AddIndexConcurrently`` on PostgreSQL; a no-op on every other database."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if _on_postgres(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if _on_postgres(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Concurrently create index {self.index.name} on {self.model_name} (PostgreSQL only)"


class PostgresOnlyGinIndex(GinIndex):
    """A ``GinIndex`` on PostgreSQL; on other databases its SQL is empty, so nothing is built."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if not _on_postgres(schema_editor):
            return Statement("")
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def remove_sql(self, model, schema_editor, **kwargs):
        if not _on_postgres(schema_editor):
            return Statement("")
        return super().remove_sql(model, schema_editor, **kwargs)
