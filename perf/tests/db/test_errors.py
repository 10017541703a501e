import psycopg
import pytest
from psycopg import errors as pg

from perf.db.backends.failover.errors import retry_reason
from perf.db.health import describe
from perf.db.sql import is_read


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (pg.AdminShutdown("terminating connection due to immediate shutdown"), "connection_lost"),
        (pg.CrashShutdown("terminating connection because of crash"), "connection_lost"),
        (pg.CannotConnectNow("the database system is shutting down"), "connection_lost"),
        (pg.SerializationFailure("canceling statement due to conflict with recovery"),
         "recovery_conflict"),
        (pg.SerializationFailure("could not serialize access"), None),
        (pg.QueryCanceled("canceling statement due to user request"), None),
        (pg.UndefinedTable('relation "x" does not exist'), None),
        (ValueError("not a database error"), None),
    ],
)  # fmt: skip
def test_only_lost_connections_and_recovery_conflicts_may_be_retried(error, reason):
    assert retry_reason(error, connection=None) == reason


def test_an_error_on_a_connection_that_closed_under_it_is_a_lost_connection():
    class Closed:
        closed = True

    error = psycopg.OperationalError("server closed the connection unexpectedly")
    assert retry_reason(error, connection=Closed()) == "connection_lost"


def test_descriptions_leave_out_the_host_and_port():
    error = psycopg.OperationalError(
        'connection failed: connection to server at "10.0.0.5", port 5433 failed: '
        "Connection refused\n\tIs the server running on that host?"
    )
    assert describe(error) == "Connection refused"
    assert describe(pg.AdminShutdown("terminating connection")) == ("57P01 terminating connection")


@pytest.mark.parametrize(
    ("statement", "read"),
    [
        ('SELECT "auth_group"."id" FROM "auth_group"', True),
        ("  select 1", True),
        ("(SELECT 1) UNION (SELECT 2)", True),
        ('UPDATE "auth_group" SET "name" = %s', False),
        ("WITH moved AS (DELETE FROM t RETURNING *) SELECT * FROM moved", False),
        ("SELECTED", False),
        (psycopg.sql.SQL("SELECT 1"), False),
    ],
)
def test_reads_are_plain_selects(statement, read):
    assert is_read(statement) is read
