"""
Helpers for the tests that run on PostgreSQL: another session, as another process of the shop
would hold one, and what the catalog says a migration really did.
"""

import threading

import psycopg
from django.db import connection


class OtherSession:
    """A second connection to the test database, as another process of the shop would hold."""

    def __init__(self):
        settings = connection.settings_dict
        self.connection = psycopg.connect(
            dbname=settings["NAME"],
            user=settings["USER"],
            password=settings["PASSWORD"],
            host=settings["HOST"],
            port=settings["PORT"],
        )
        self.timer = None

    def hold(self, sql: str, *, seconds: float) -> None:
        """Run ``sql`` in an open transaction, and roll it back ``seconds`` later."""
        self.connection.execute(sql)
        self.timer = threading.Timer(seconds, self.connection.rollback)
        self.timer.start()

    def close(self) -> None:
        if self.timer:
            self.timer.cancel()
            self.timer.join()
        self.connection.rollback()
        self.connection.close()


def columns(table: str) -> dict[str, tuple[str, bool]]:
    """Each column's type and whether it is nullable."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type, is_nullable = 'YES' FROM information_schema.columns "
            "WHERE table_name = %s",
            [table],
        )
        return {name: (data_type, nullable) for name, data_type, nullable in cursor.fetchall()}


def index_is_valid(name: str) -> bool | None:
    """Whether the index is valid (None: there is no such index)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indisvalid FROM pg_index JOIN pg_class ON pg_class.oid = indexrelid "
            "WHERE relname = %s",
            [name],
        )
        row = cursor.fetchone()
    return row[0] if row else None
