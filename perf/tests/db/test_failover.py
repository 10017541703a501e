"""
The failover backend against the real stack: replicas killed, frozen and conflicting while
several shoppers browse, each in its own thread with its own connections.
"""

import logging
import threading
import time

import pytest
from django.db import OperationalError, connections, transaction

from perf.db import health
from perf.metrics.host import host_samples
from perf.tests.db.browsing import Shoppers
from perf.tests.db.factories import GroupFactory

pytestmark = [
    pytest.mark.stack,
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.urls("perf.tests.db.urls"),
]

COOLDOWN = 2.0
CONNECT_TIMEOUT = 1.0
# What a loaded two-core machine may add to a request on top of the connect timeout.
MARGIN = 1.0


@pytest.fixture
def failover(replica_groups, stack):
    replica_groups.PERF = {
        **replica_groups.PERF,
        "FAILOVER_COOLDOWN": COOLDOWN,
        "CONNECT_TIMEOUT": CONNECT_TIMEOUT,
        "LAG_CHECK_INTERVAL": 0.5,
    }
    GroupFactory.create_batch(3)
    stack.wait_for_replication()
    return stack


def perf_events(caplog) -> list[dict]:
    return [record.perf for record in caplog.records if hasattr(record, "perf")]


def browse_groups(client):
    # Each read stays open 20 ms on the server, so a node that dies has reads in flight.
    return client.get("/groups/", {"pause": "0.02"})


def test_killing_a_replica_while_shoppers_browse_fails_no_request(failover, caplog):
    caplog.set_level(logging.INFO, logger="perf.db")
    with Shoppers(browse_groups) as shoppers:
        shoppers.wait_for_reads_from("replica1", since=0, timeout=5)
        shoppers.wait_for_reads_from("replica2", since=0, timeout=5)
        failover.kill_replica(1)
        time.sleep(1.0)
        failover.start_replica(1)
        restarted = time.monotonic()
        rejoined = shoppers.wait_for_reads_from("replica1", since=restarted, timeout=COOLDOWN + 3)
    assert shoppers.failures() == []
    assert rejoined - restarted <= COOLDOWN + MARGIN
    assert host_samples().total("perf_db_failovers_total", from_node="replica1") >= 1
    events = [event["event"] for event in perf_events(caplog)]
    assert "node_down" in events
    assert "failover" in events
    assert "node_up" in events


def test_with_both_replicas_down_the_primary_serves_every_read(failover):
    with Shoppers(browse_groups) as shoppers:
        shoppers.wait_for_reads_from("replica2", since=0, timeout=5)
        failover.kill_replica(1)
        failover.kill_replica(2)
        killed = time.monotonic()
        time.sleep(1.5)
    assert shoppers.failures() == []
    after = shoppers.since(killed + 0.1)
    assert after
    assert set(shoppers.reads(after)) == {"default"}


def test_a_frozen_replica_holds_no_request_longer_than_the_connect_timeout(failover):
    failover.freeze_replica(1)
    # New shoppers open new connections, which the stopped postmaster never answers; they
    # browse past one cooldown, so the half-open retry meets the frozen node too.
    with Shoppers(browse_groups) as shoppers:
        time.sleep(COOLDOWN + 1.5)
        failover.thaw_replica(1)
        thawed = time.monotonic()
        shoppers.wait_for_reads_from("replica1", since=thawed, timeout=COOLDOWN + 3)
    assert shoppers.failures() == []
    slowest = max(visit.seconds for visit in shoppers.visits)
    assert slowest <= CONNECT_TIMEOUT + MARGIN
    assert slowest >= CONNECT_TIMEOUT  # the frozen node was really tried


@pytest.fixture
def conflicting_replica1(failover):
    """Replica 1 cancels a query at once when replaying a change conflicts with it (the
    default waits 30 s first), and a table whose lock the primary can take."""
    database = connections["default"].settings_dict["NAME"]
    with failover.primary.connect(database) as primary:
        primary.execute("CREATE TABLE perf_conflict_probe (id int)")
        primary.execute("INSERT INTO perf_conflict_probe VALUES (1)")
    with failover.replica(1).connect() as replica:
        replica.execute("ALTER SYSTEM SET max_standby_streaming_delay = 0")
        replica.execute("SELECT pg_reload_conf()")
        while replica.execute("SHOW max_standby_streaming_delay").fetchone()[0] != "0":
            time.sleep(0.01)
    failover.wait_for_replication()
    yield failover
    with failover.replica(1).connect() as replica:
        replica.execute("ALTER SYSTEM RESET max_standby_streaming_delay")
        replica.execute("SELECT pg_reload_conf()")
    with failover.primary.connect(database) as primary:
        primary.execute("DROP TABLE perf_conflict_probe")


def read_while_the_primary_locks(stack, read) -> dict:
    """Run ``read`` on replica1 in a thread; once it runs, take an ACCESS EXCLUSIVE lock on
    its table on the primary, which replica1 must replay: a recovery conflict."""
    outcome = {}

    def reader():
        try:
            outcome["rows"] = read()
            outcome["node"] = connections["replica1"].node
        except Exception as error:
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=reader)
    thread.start()
    with stack.replica(1).connect() as replica:
        while not replica.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE state = 'active' AND query LIKE '%FROM perf_conflict_probe%'"
            " AND pid <> pg_backend_pid()"
        ).fetchone()[0]:
            time.sleep(0.01)
    database = connections["default"].settings_dict["NAME"]
    with stack.primary.connect(database) as primary, primary.transaction():
        primary.execute("LOCK TABLE perf_conflict_probe IN ACCESS EXCLUSIVE MODE")
    thread.join(30)
    return outcome


PROBE = "SELECT count(*) FROM perf_conflict_probe, pg_sleep(1)"


def slow_read():
    with connections["replica1"].cursor() as cursor:
        cursor.execute(PROBE)
        return cursor.fetchone()[0]


def test_a_read_cancelled_by_a_recovery_conflict_is_retried_on_another_node(
    conflicting_replica1, caplog
):
    caplog.set_level(logging.INFO, logger="perf.db")
    outcome = read_while_the_primary_locks(conflicting_replica1, slow_read)
    assert outcome == {"rows": 1, "node": "replica2"}
    [failover] = [event for event in perf_events(caplog) if event["event"] == "failover"]
    assert failover["reason"] == "recovery_conflict"
    assert failover["from_node"] == "replica1"
    # A conflict says nothing about the node's health: it keeps serving.
    assert health.is_routable("replica1")


def test_a_read_inside_a_transaction_is_never_retried(conflicting_replica1, caplog):
    caplog.set_level(logging.INFO, logger="perf.db")

    def read_in_transaction():
        with transaction.atomic(using="replica1"):
            return slow_read()

    outcome = read_while_the_primary_locks(conflicting_replica1, read_in_transaction)
    assert isinstance(outcome["error"], OperationalError)
    assert "conflict with recovery" in str(outcome["error"])
    assert not [event for event in perf_events(caplog) if event["event"] == "failover"]
