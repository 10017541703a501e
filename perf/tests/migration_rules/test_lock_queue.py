"""
Why migrations run with a lock_timeout, shown on PostgreSQL.

A long transaction (a report) holds a share lock on a table; an ALTER TABLE waits for it; a plain
SELECT of the shop arrives after the ALTER and queues behind it. Without a lock_timeout the SELECT
waits until the report ends; with one the ALTER gives up and the SELECT goes through at once. Run
with ``-s`` to see how long the SELECT waited.
"""

import contextlib
import threading
import time

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from .postgres import OtherSession

REPORT_SECONDS = 2.5


def waiting_for_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT FROM pg_locks WHERE pid = %s AND NOT granted)", [pid])
        return cursor.fetchone()[0]


def select_behind_waiting_alter(lock_timeout: str) -> tuple[float, bool]:
    """How long the shop's SELECT waited, and whether the report was still running when it ran."""
    report, migration, shop = OtherSession(), OtherSession(), OtherSession()
    # Set before the rollback, so a SELECT that could only run once the report ended sees it.
    ending = threading.Event()

    def end_report():
        ending.set()
        report.connection.rollback()

    def alter():
        migration.connection.autocommit = True
        migration.connection.execute(f"SET lock_timeout = '{lock_timeout}'")
        with contextlib.suppress(psycopg.errors.LockNotAvailable):
            migration.connection.execute(
                'ALTER TABLE "rules_safe_product" ADD COLUMN IF NOT EXISTS "note" text'
            )

    try:
        report.connection.execute('SELECT FROM "rules_safe_product"')
        timer = threading.Timer(REPORT_SECONDS, end_report)
        timer.start()
        altering = threading.Thread(target=alter)
        altering.start()
        while altering.is_alive() and not waiting_for_lock(migration.connection.info.backend_pid):
            time.sleep(0.01)
        started = time.monotonic()
        shop.connection.execute('SELECT count(*) FROM "rules_safe_product"').fetchone()
        waited, report_running = time.monotonic() - started, not ending.is_set()
        altering.join()
        timer.join()
    finally:
        for session in (report, migration, shop):
            session.close()
    return waited, report_running


@pytest.mark.stack
@pytest.mark.django_db(transaction=True)
def test_lock_timeout_keeps_the_shop_from_queueing_behind_a_waiting_alter(safe_app):
    call_command("migrate", "rules_safe", "0001", verbosity=0)

    waited_with, report_running_with = select_behind_waiting_alter("300ms")
    waited_without, report_running_without = select_behind_waiting_alter("0")

    print(
        f"\nSELECT behind a waiting ALTER, report holding its lock {REPORT_SECONDS}s: "
        f"{waited_with:.2f}s with lock_timeout=300ms, {waited_without:.2f}s without."
    )
    assert report_running_with
    assert not report_running_without
