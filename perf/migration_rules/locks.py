"""
PostgreSQL session settings and error handling behind ``safe_migrate``.

An ``ALTER TABLE`` waiting for its lock blocks every query that arrives after it, so the shop
stalls behind the slowest transaction of the moment. With a short ``lock_timeout`` the migration
gives up instead, the queue drains, and ``safe_migrate`` tries again a little later. A
``statement_timeout`` bounds how long a statement may hold the locks it got.
"""

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations import Migration
from django.db.migrations.operations import AddIndex

LOCK_NOT_AVAILABLE = "55P03"
QUERY_CANCELED = "57014"


def sqlstate(error: BaseException) -> str | None:
    """The SQLSTATE of a database error Django wrapped, if the driver gave one."""
    return getattr(error.__cause__, "sqlstate", None) or getattr(error, "sqlstate", None)


def set_timeouts(
    connection: BaseDatabaseWrapper, *, lock_timeout: str, statement_timeout: str
) -> None:
    """Set both timeouts for the session: they outlast transactions, which atomic = False needs."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('lock_timeout', %s, false), "
            "set_config('statement_timeout', %s, false)",
            [lock_timeout, statement_timeout],
        )


def reset_timeouts(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        cursor.execute("RESET lock_timeout")
        cursor.execute("RESET statement_timeout")


def is_standby(connection: BaseDatabaseWrapper) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return cursor.fetchone()[0]


def drop_invalid_indexes(connection: BaseDatabaseWrapper, migration: Migration) -> list[str]:
    """
    Drop the indexes of ``migration`` that an interrupted CREATE INDEX CONCURRENTLY left INVALID.

    Such an index is never used for reads but is still updated by every write, and it makes the
    retried ``CREATE INDEX CONCURRENTLY`` fail with "already exists". Only indexes the migration
    itself adds are considered.
    """
    names = [
        operation.index.name
        for operation in migration.operations
        if isinstance(operation, AddIndex)
    ]
    if not names:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT n.nspname, c.relname
            FROM pg_index AS i
            JOIN pg_class AS c ON c.oid = i.indexrelid
            JOIN pg_namespace AS n ON n.oid = c.relnamespace
            WHERE NOT i.indisvalid AND c.relname = ANY(%s) AND pg_table_is_visible(i.indrelid)
            """,
            [names],
        )
        invalid = cursor.fetchall()
        # The drop waits for the same transactions the build waited for, but it blocks no reads
        # or writes meanwhile: no lock_timeout for it.
        cursor.execute("RESET lock_timeout")
        for schema, name in invalid:
            quote = connection.ops.quote_name
            cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {quote(schema)}.{quote(name)}")
    return [name for _schema, name in invalid]
