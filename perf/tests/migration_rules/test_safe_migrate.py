from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from .postgres import columns, index_is_valid


def safe_migrate(*args, **options) -> str:
    stdout = StringIO()
    call_command("safe_migrate", *args, stdout=stdout, **options)
    return stdout.getvalue()


def applied(app_label: str) -> set[str]:
    return {
        name
        for label, name in MigrationRecorder(connection).applied_migrations()
        if label == app_label
    }


@pytest.mark.stack
@pytest.mark.django_db(transaction=True)
def test_migration_waiting_for_a_lock_gives_up_and_is_retried_until_the_lock_is_released(
    other_session,
):
    safe_migrate("rules_safe", "0001", verbosity=0)
    # Long enough for two attempts to give up even when a busy machine starts the command late.
    other_session.hold('LOCK TABLE "rules_safe_product" IN ACCESS EXCLUSIVE MODE', seconds=4)

    output = safe_migrate("rules_safe", "0002", lock_timeout="300ms", retry_delay=0.5)

    assert "Lock timeout (300ms) in rules_safe.0002_expand" in output
    assert output.count("Attempt ") >= 2
    assert "0002_expand" in applied("rules_safe")
    assert columns("rules_safe_product")["stock"] == ("integer", False)


@pytest.mark.stack
@pytest.mark.django_db(transaction=True)
def test_lock_timeout_in_deferred_foreign_key_sql_is_retried_on_a_clean_connection(other_session):
    safe_migrate("rules_safe", "0011", verbosity=0)
    # The new table's foreign key, added as the migration ends, must lock the product table.
    other_session.hold('LOCK TABLE "rules_safe_product" IN ACCESS EXCLUSIVE MODE', seconds=1.5)

    output = safe_migrate("rules_safe", "0012", lock_timeout="300ms", retry_delay=0.5)

    assert "Lock timeout (300ms) in rules_safe.0012_review" in output
    assert "0012_review" in applied("rules_safe")
    assert "rules_safe_review" in connection.introspection.table_names()


@pytest.mark.stack
@pytest.mark.django_db(transaction=True)
def test_session_timeouts_are_reset_after_safe_migrate(safe_app):
    safe_migrate("rules_safe", "0001", verbosity=0, lock_timeout="300ms")

    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone() == ("0",)
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("0",)


@pytest.mark.stack
@pytest.mark.django_db(transaction=True)
def test_interrupted_concurrent_index_build_is_dropped_and_built_again(other_session):
    safe_migrate("rules_safe", "0007", verbosity=0)
    # A writer's open transaction: CREATE INDEX CONCURRENTLY waits for it after creating the index.
    other_session.hold('UPDATE "rules_safe_product" SET "stock" = 0 WHERE false', seconds=2)

    output = safe_migrate("rules_safe", "0008", lock_timeout="300ms", retry_delay=0.5)

    assert "Lock timeout (300ms) in rules_safe.0008_sku_index" in output
    assert "Dropped invalid index product_sku left by an interrupted build." in output
    assert index_is_valid("product_sku") is True


@pytest.mark.stack
@pytest.mark.django_db(transaction=True)
def test_statement_past_statement_timeout_fails_with_an_explanation_and_no_retry(other_session):
    safe_migrate("rules_safe", "0001", verbosity=0)
    other_session.hold('LOCK TABLE "rules_safe_product" IN ACCESS EXCLUSIVE MODE', seconds=3)

    with pytest.raises(CommandError, match="longer than statement_timeout") as failure:
        safe_migrate("rules_safe", "0002", lock_timeout="5s", statement_timeout="300ms")

    assert "rules_safe.0002_expand" in str(failure.value)
    assert "0002_expand" not in applied("rules_safe")


@pytest.mark.stack
@pytest.mark.django_db(transaction=True)
def test_safe_migrate_gives_up_after_its_attempts_saying_how_to_find_the_blocker(other_session):
    safe_migrate("rules_safe", "0001", verbosity=0)
    other_session.hold('LOCK TABLE "rules_safe_product" IN ACCESS EXCLUSIVE MODE', seconds=10)

    with pytest.raises(CommandError, match="in 2 attempts") as failure:
        safe_migrate("rules_safe", "0002", lock_timeout="200ms", attempts=2, retry_delay=0.1)

    assert "pg_stat_activity" in str(failure.value)
    assert "0002_expand" not in applied("rules_safe")


@pytest.mark.stack
@pytest.mark.django_db(databases=["default", "replica1"])
def test_safe_migrate_refuses_a_replica():
    with pytest.raises(CommandError, match="'replica1' is a hot standby"):
        safe_migrate(database="replica1")


@pytest.mark.django_db
def test_safe_migrate_sets_timeouts_only_on_postgresql():
    output = safe_migrate(verbosity=1)

    assert "No migrations to apply." in output
    assert ("lock_timeout=2s" in output) == (connection.vendor == "postgresql")


@pytest.mark.stack
@pytest.mark.django_db
def test_safe_migrate_rejects_a_bad_timeout_before_migrating():
    with pytest.raises(CommandError, match="Invalid timeout"):
        safe_migrate(lock_timeout="soon")
