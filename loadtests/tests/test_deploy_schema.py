"""
The deploy demo's SQL on the test stack's PostgreSQL: the safe steps never rewrite the table,
take no lock that stops reads and writes, and keep both releases working at every step; the
naive migration rewrites the table under a lock that stops readers, and breaks the running code.
"""

import contextlib

import psycopg
import pytest
from django.db import ProgrammingError, connection

from cart.models import OrderLine
from cart.tests.factories import OrderLineFactory
from loadtests.deploy import schema
from loadtests.deploy.release import NEW_COLUMN, Release2Config

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]


def session() -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"],
        host=settings["HOST"],
        port=settings["PORT"],
        autocommit=True,
    )


@pytest.fixture
def migrator():
    """The deploy's own session; the table is put back as the migrations say afterwards."""
    with session() as deploy:
        yield deploy
        schema.reset(deploy)


@contextlib.contextmanager
def release_2():
    """The workers of release 2: ``OrderLine.sku`` stored in ``variant_sku``."""
    field = OrderLine._meta.get_field("sku")
    Release2Config.ready(None)
    try:
        yield
    finally:
        field.db_column = None
        field.set_attributes_from_name(field.name)


def file_node(deploy: psycopg.Connection) -> int:
    """The table's file: a new one means PostgreSQL rewrote the table."""
    return deploy.execute("SELECT pg_relation_filenode('cart_orderline')").fetchone()[0]


def locks_held(deploy: psycopg.Connection) -> set[str]:
    rows = deploy.execute(
        "SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() "
        "AND relation = 'cart_orderline'::regclass"
    )
    return {mode for (mode,) in rows}


def test_safe_steps_keep_both_releases_working_without_a_rewrite(migrator):
    old = OrderLineFactory.create_batch(3)
    before = file_node(migrator)

    schema.expand(migrator)
    written_by_release_1 = OrderLineFactory(sku="R1-SKU")
    assert schema.backfill(migrator, batch=2) == 3
    schema.build_index(migrator)
    schema.add_constraint(migrator)
    schema.validate_constraint(migrator)
    with release_2():
        written_by_release_2 = OrderLineFactory(sku="R2-SKU")
        assert OrderLine.objects.get(pk=old[0].pk).sku == old[0].sku
        schema.contract(migrator)
        assert OrderLine.objects.get(pk=written_by_release_1.pk).sku == "R1-SKU"
        assert OrderLine.objects.get(pk=written_by_release_2.pk).sku == "R2-SKU"

    assert file_node(migrator) == before
    assert migrator.execute(
        "SELECT count(*) FROM cart_orderline WHERE public_id IS NULL OR variant_sku IS NULL"
    ).fetchone() == (0,)
    assert schema.columns(migrator) >= {"public_id", NEW_COLUMN}
    assert "sku" not in schema.columns(migrator)


def test_while_both_releases_run_each_one_s_writes_reach_both_columns(migrator):
    schema.expand(migrator)
    line = OrderLineFactory(sku="WRITTEN-BY-R1")
    stored = "SELECT sku, variant_sku, public_id IS NOT NULL FROM cart_orderline WHERE id = %s"
    assert migrator.execute(stored, [line.pk]).fetchone() == (
        "WRITTEN-BY-R1",
        "WRITTEN-BY-R1",
        True,
    )
    line.sku = "CHANGED-BY-R1"
    line.save()
    assert migrator.execute(stored, [line.pk]).fetchone()[:2] == ("CHANGED-BY-R1",) * 2
    with release_2():
        line = OrderLine.objects.get(pk=line.pk)
        line.sku = "CHANGED-BY-R2"
        line.save()
        inserted = OrderLineFactory(sku="WRITTEN-BY-R2")
    assert migrator.execute(stored, [line.pk]).fetchone()[:2] == ("CHANGED-BY-R2",) * 2
    assert migrator.execute(stored, [inserted.pk]).fetchone()[:2] == ("WRITTEN-BY-R2",) * 2


def test_backfill_and_validate_take_no_lock_that_stops_reads_or_writes(migrator):
    OrderLineFactory.create_batch(3)
    schema.expand(migrator)
    schema.add_constraint(migrator)
    with migrator.transaction():
        migrator.execute(schema.BACKFILL, [0, 10**9])
        assert locks_held(migrator) == {"RowExclusiveLock"}
    with migrator.transaction():
        migrator.execute(schema.VALIDATE_CONSTRAINT)
        assert locks_held(migrator) == {"ShareUpdateExclusiveLock"}
        with session() as shop:
            shop.execute("SET lock_timeout = '200ms'")
            shop.execute("SELECT count(*) FROM cart_orderline").fetchone()
            shop.execute("UPDATE cart_orderline SET quantity = quantity")


def test_expand_gives_up_behind_a_long_transaction_instead_of_queueing_the_shop(migrator):
    OrderLineFactory()
    with session() as report, report.transaction():
        report.execute("SELECT count(*) FROM cart_orderline").fetchone()
        with pytest.raises(psycopg.errors.LockNotAvailable):
            schema.with_lock_timeout(migrator, schema.EXPAND, lock_timeout="100ms", attempts=1)
    assert "public_id" not in schema.columns(migrator)


def test_naive_migration_rewrites_under_a_lock_that_stops_readers_and_breaks_release_1(migrator):
    OrderLineFactory.create_batch(3)
    before = file_node(migrator)
    with migrator.transaction():
        for statement in schema.NAIVE:
            migrator.execute(statement)
        assert "AccessExclusiveLock" in locks_held(migrator)
        with session() as shop:
            shop.execute("SET lock_timeout = '200ms'")
            with pytest.raises(psycopg.errors.LockNotAvailable):
                shop.execute("SELECT count(*) FROM cart_orderline")
    assert file_node(migrator) != before
    with pytest.raises(ProgrammingError, match="sku"):
        list(OrderLine.objects.all())
    with release_2():
        assert len(OrderLine.objects.all()) == 3
