"""
The router against the real stack: reads spread over both replicas, writes reach the primary
only, the writer reads its own writes, and a replica that falls behind is left alone.
"""

import time
from contextlib import ExitStack, contextmanager

import pytest
from django.db import connections
from django.test import Client

from perf.db import health, routing
from perf.db.sql import is_read
from perf.tests.db.browsing import Shoppers
from perf.tests.db.factories import GroupFactory, StaffFactory

pytestmark = [
    pytest.mark.stack,
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.urls("perf.tests.db.urls"),
]

COOKIE = "perf_primary"


@pytest.fixture
def replicas(replica_groups, stack):
    # Lag is the lag test's business: here a paused replica must keep its share of reads.
    replica_groups.PERF = {**replica_groups.PERF, "MAX_LAG_SECONDS": 3600}
    return stack


def test_reads_spread_over_both_replicas_and_no_write_reaches_one(replicas):
    groups = GroupFactory.create_batch(4)
    replicas.wait_for_replication()
    replica_statements = []

    @contextmanager
    def record_replica_statements():
        def record(execute, sql, params, many, context):
            replica_statements.append(sql)
            return execute(sql, params, many, context)

        with ExitStack() as stack:
            for alias in ("replica1", "replica2"):
                stack.enter_context(connections[alias].execute_wrapper(record))
            yield

    def rename(client):
        group = groups[int(time.monotonic() * 1000) % len(groups)]
        return client.post(f"/groups/{group.pk}/rename/", {"name": f"renamed {time.time()}"})

    with (
        Shoppers(
            lambda client: client.get("/groups/"), around=record_replica_statements
        ) as readers,
        Shoppers(rename, count=2, around=record_replica_statements) as writers,
    ):
        readers.wait_for_visits(60)
        writers.wait_for_visits(10)
    assert readers.failures() == []
    assert writers.failures() == []
    reads = readers.reads()
    total = sum(reads.values())
    assert reads["default"] <= 0.10 * total
    assert 0.35 * total <= reads["replica1"] <= 0.65 * total
    assert 0.35 * total <= reads["replica2"] <= 0.65 * total
    assert set(writers.reads()) == {"default"}
    assert replica_statements
    assert all(is_read(statement) for statement in replica_statements)


def test_after_a_staff_edit_in_the_admin_the_editor_reads_the_change(replicas):
    group = GroupFactory(name="Summer sale")
    editor = Client()
    editor.force_login(StaffFactory())
    replicas.wait_for_replication()
    # Browse as visitors would: what this test wrote above must not pin its reads.
    with routing.routing_scope(inherit=False), replicas.replay_paused(1, 2):
        response = editor.post(
            f"/admin/auth/group/{group.pk}/change/", {"name": "Winter sale", "permissions": []}
        )
        assert response.status_code == 302
        assert COOKIE in response.cookies
        assert editor.get("/groups/").content == b"Winter sale"
        # Anyone else still reads the replicas, which have not replayed the edit.
        assert Client().get("/groups/").content == b"Summer sale"


def test_a_request_that_writes_reads_its_write(replicas):
    group = GroupFactory(name="before")
    replicas.wait_for_replication()
    with routing.routing_scope(inherit=False), replicas.replay_paused(1, 2):
        response = Client().post(f"/groups/{group.pk}/rename/", {"name": "after"})
    assert response.content == b"after"


def test_a_replica_that_falls_behind_gets_no_reads_until_it_catches_up(replica_groups, stack):
    replica_groups.PERF = {
        **replica_groups.PERF,
        "MAX_LAG_BYTES": 64 * 1024,
        "LAG_CHECK_INTERVAL": 0.2,
    }
    database = connections["default"].settings_dict["NAME"]
    with Shoppers(lambda client: client.get("/groups/")) as shoppers:
        shoppers.wait_for_reads_from("replica1", since=0, timeout=5)
        with stack.replay_paused(1), stack.primary.connect(database) as primary:
            # About a megabyte of WAL that replica 1 receives but does not apply.
            primary.execute(
                "CREATE TABLE perf_lag_probe AS SELECT g FROM generate_series(1, 30000) g"
            )
            deadline = time.monotonic() + 5
            while health.is_routable("replica1"):
                assert time.monotonic() < deadline, "replica 1's lag went unnoticed"
                time.sleep(0.05)
            behind = time.monotonic()
            time.sleep(1.0)
            primary.execute("DROP TABLE perf_lag_probe")
        resumed = time.monotonic()
        shoppers.wait_for_reads_from("replica1", since=resumed, timeout=5)
    # Visits under way when the lag was noticed may still read replica 1.
    while_behind = [visit for visit in shoppers.since(behind + 0.2) if visit.started < resumed]
    assert while_behind
    assert shoppers.reads(while_behind)["replica1"] == 0
    assert shoppers.failures() == []
