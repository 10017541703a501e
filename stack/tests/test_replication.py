"""The throwaway stack replicates: what the primary commits, both standbys serve."""

import pytest
from django.contrib.auth.models import Group
from django.db import connections

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True, databases="__all__")]


def in_recovery(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return cursor.fetchone()[0]


def test_replica_aliases_connect_to_hot_standbys_not_the_primary():
    assert not in_recovery("default")
    assert in_recovery("replica1")
    assert in_recovery("replica2")


def test_row_committed_on_primary_is_read_on_both_replicas(stack):
    Group.objects.create(name="committed on the primary")

    stack.wait_for_replication()

    for alias in ("replica1", "replica2"):
        assert Group.objects.using(alias).filter(name="committed on the primary").exists()


def test_killed_replica_catches_up_after_restart(stack):
    stack.kill_replica(1)
    connections["replica1"].close()
    Group.objects.bulk_create(Group(name=f"written while replica1 was down {n}") for n in range(99))

    stack.start_replica(1)
    stack.wait_for_replication()

    assert Group.objects.using("replica1").filter(name__startswith="written while").count() == 99


def test_the_primary_caps_the_wal_a_slot_may_hold_back():
    # A replica left stopped loses its slot past this, rather than fill the primary's disk.
    with connections["default"].cursor() as cursor:
        cursor.execute("SHOW max_slot_wal_keep_size")
        assert cursor.fetchone()[0] == "1GB"
