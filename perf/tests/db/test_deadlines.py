"""
Statement deadlines against the real stack: nodes hung with their whole process tree stopped
(the kernel still acknowledges, so only the client's deadline ends the wait), nodes cut off by
a firewall rule, and statements that are merely slow.
"""

import logging
import subprocess
import threading
import time
from contextlib import contextmanager

import pytest
from django.contrib.auth.models import Group
from django.db import connections, transaction
from django.test import Client

from perf.db import QueryDeadlineExceeded, health, long_statements
from perf.db.deadlines import request_deadlines
from perf.db.lag import monitor
from perf.tests.db.browsing import Shoppers
from perf.tests.db.factories import GroupFactory

pytestmark = [
    pytest.mark.stack,
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.urls("perf.tests.db.urls"),
]

DEADLINE = 0.5
PROBE_TIMEOUT = 0.3
# What a loaded two-core machine may add on top of the deadline and the probe.
MARGIN = 1.0
BOUND = DEADLINE + PROBE_TIMEOUT + MARGIN


@pytest.fixture
def deadlines(replica_groups, stack):
    replica_groups.PERF = {
        **replica_groups.PERF,
        "REPLICA_DEADLINE": DEADLINE,
        "PRIMARY_DEADLINE": DEADLINE,
        "PROBE_TIMEOUT": PROBE_TIMEOUT,
        "CONNECT_TIMEOUT": 0.5,
        # No half-open trial while a test runs: a node marked down stays down.
        "FAILOVER_COOLDOWN": 30.0,
        "SHARED_HEALTH_CACHE_ALIAS": None,
    }
    GroupFactory.create_batch(3)
    stack.wait_for_replication()
    connections.close_all()
    return stack


@contextmanager
def hung(node):
    """``node`` with its postmaster and every backend stopped, as a frozen host."""
    node.freeze(whole_tree=True)
    try:
        yield
    finally:
        node.thaw()


@contextmanager
def partitioned(port):
    """Packets to and from ``port`` on loopback dropped, as a node cut off by the network:
    nothing answers, not even the kernel."""
    rules = [
        ["INPUT", "-i", "lo", "-p", "tcp", direction, str(port), "-j", "DROP"]
        for direction in ("--dport", "--sport")
    ]
    for rule in rules:
        subprocess.run(["iptables", "-I", *rule], check=True)
    try:
        yield
    finally:
        for rule in rules:
            subprocess.run(["iptables", "-D", *rule], check=True)


def group_names(alias):
    return sorted(Group.objects.using(alias).values_list("name", flat=True))


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def perf_events(caplog) -> list[dict]:
    return [record.perf for record in caplog.records if hasattr(record, "perf")]


@pytest.mark.parametrize("fault", ["hung", "partitioned"])
def test_a_read_on_a_stalled_replica_is_answered_by_another_within_the_deadline(
    deadlines, fault, caplog
):
    caplog.set_level(logging.INFO, logger="perf.db")
    expected = group_names("default")
    assert group_names("replica1") == expected  # a persistent connection to replica 1
    replica1 = deadlines.replica(1)
    stalled = hung(replica1) if fault == "hung" else partitioned(replica1.port)
    with stalled:
        names, seconds = timed(lambda: group_names("replica1"))
        assert connections["replica1"].node == "replica2"
    assert names == expected
    assert DEADLINE <= seconds <= BOUND
    assert not health.is_routable("replica1")
    down = [event for event in perf_events(caplog) if event["event"] == "node_down"]
    assert [event["node"] for event in down] == ["replica1"]
    assert "hung" in down[0]["error"]
    [failover] = [event for event in perf_events(caplog) if event["event"] == "failover"]
    assert failover["reason"] == "node_hung"


def browse_groups(client):
    return client.get("/groups/", {"pause": "0.02"})


def test_a_hung_replica_holds_each_shopper_once_at_most_and_then_none(deadlines):
    with Shoppers(browse_groups) as shoppers:
        shoppers.wait_for_reads_from("replica1", since=0, timeout=5)
        shoppers.wait_for_reads_from("replica2", since=0, timeout=5)
        with hung(deadlines.replica(1)):
            frozen = time.monotonic()
            time.sleep(BOUND + 1.0)
            settled = time.monotonic()
            time.sleep(1.0)
    assert shoppers.failures() == []
    during = shoppers.since(frozen)
    assert max(visit.seconds for visit in during) <= BOUND
    # Once one shopper found the node hung, the others skipped it without waiting.
    later = [visit for visit in shoppers.since(settled) if visit.started < settled + 1.0]
    assert later
    assert max(visit.seconds for visit in later) < DEADLINE
    assert shoppers.reads(later)["replica1"] == 0


def test_a_wait_on_a_hung_node_ends_once_another_connection_finds_it_down(deadlines, settings):
    settings.PERF = {**settings.PERF, "REPLICA_DEADLINE": 60.0}
    expected, outcome = group_names("default"), {}
    connected, frozen = threading.Event(), threading.Event()

    def read_twice():
        group_names("replica1")  # this thread's own connection, with a 60 s deadline
        connected.set()
        frozen.wait()
        outcome["names"] = group_names("replica1")
        outcome["node"] = connections["replica1"].node
        connections.close_all()

    reader = threading.Thread(target=read_twice)
    reader.start()
    connected.wait()
    with hung(deadlines.replica(1)):
        frozen.set()
        time.sleep(DEADLINE)  # the reader waits on the hung node meanwhile
        health.record_failure("replica1", "found hung by another connection")
        reader.join(timeout=10 * BOUND)
        assert not reader.is_alive()  # well before its own 60 s deadline
    assert outcome == {"names": expected, "node": "replica2"}


def test_a_statement_on_a_hung_primary_fails_fast_with_a_clear_error(deadlines):
    connections["default"].ensure_connection()
    with hung(deadlines.primary), request_deadlines():
        started = time.monotonic()
        with pytest.raises(QueryDeadlineExceeded, match="node hung"):
            Group.objects.create(name="never")
        seconds = time.monotonic() - started
    assert seconds <= BOUND
    assert not health.is_up("default")


def test_a_slow_statement_is_cancelled_in_a_request_and_its_node_stays_up(deadlines, client):
    connections["default"].ensure_connection()
    connection = connections["default"].connection
    started = time.monotonic()
    response = client.get("/sleep/", {"seconds": 30})
    assert time.monotonic() - started <= BOUND
    assert response.status_code == 503  # perf.db.readonly's answer to QueryDeadlineExceeded
    assert health.is_up("default")
    # The same connection goes on serving: the server gave the statement up.
    assert group_names("default")
    assert connections["default"].connection is connection


def test_a_lock_wait_past_the_deadline_is_cancelled_and_the_transaction_rolled_back(deadlines):
    group = Group.objects.create(name="locked")
    database = connections["default"].settings_dict["NAME"]

    @transaction.atomic
    def write_then_lock():
        Group.objects.create(name="written before the wait")
        Group.objects.select_for_update().get(pk=group.pk)

    with deadlines.primary.connect(database) as holder, holder.transaction():
        holder.execute("SELECT * FROM auth_group WHERE id = %s FOR UPDATE", [group.pk])
        with request_deadlines(), pytest.raises(QueryDeadlineExceeded, match="cancelled"):
            write_then_lock()
    assert health.is_up("default")
    assert not Group.objects.filter(name="written before the wait").exists()


def test_long_statements_and_views_outside_requests_run_past_the_deadline(deadlines, settings):
    settings.PERF = {**settings.PERF, "LONG_STATEMENT_NAMESPACES": ["reports"]}
    seconds = DEADLINE * 2.5
    assert Client().get("/reports/sleep/", {"seconds": seconds}).content == b"done"
    with request_deadlines(), long_statements(), connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [seconds])
    # A management command runs outside any request.
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [seconds])
    assert health.is_up("default")


def test_a_long_statement_on_a_node_that_hangs_is_still_abandoned(deadlines):
    outcome = {}

    def report():
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_sleep(60)")
        except QueryDeadlineExceeded as error:
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=report)
    thread.start()
    database = connections["default"].settings_dict["NAME"]
    with deadlines.primary.connect(database) as primary:
        while not primary.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)'"
            " AND state = 'active'"
        ).fetchone()[0]:
            time.sleep(0.01)
    with hung(deadlines.primary):
        # The report ran past a deadline or two already while its node answered.
        thread.join(BOUND + DEADLINE)
    with deadlines.primary.connect(database) as primary:
        # The server goes on with the abandoned statement: end it before the database goes.
        primary.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE query = 'SELECT pg_sleep(60)'"
        )
    assert "node hung" in str(outcome["error"])
    assert not health.is_up("default")


def test_tcp_keepalives_end_an_idle_connection_to_a_node_cut_off(deadlines, settings):
    settings.PERF = {
        **settings.PERF,
        "TCP_PARAMS": {
            "keepalives": 1,
            "keepalives_idle": 1,
            "keepalives_interval": 1,
            "keepalives_count": 1,
            "tcp_user_timeout": 1000,
        },
    }
    group_names("replica1")
    connection = connections["replica1"].connection
    assert "tcp_user_timeout=1000" in connection.info.dsn
    with partitioned(deadlines.replica(1).port):
        time.sleep(3.5)
        # The kernel has given up on the silent peer: the read fails over at once.
        names, seconds = timed(lambda: group_names("replica1"))
    assert names == group_names("default")
    assert seconds < DEADLINE


@pytest.mark.usefixtures("health_by_hand")
def test_the_lag_monitor_measures_the_other_replicas_while_one_hangs(deadlines):
    monitor.measure()
    with hung(deadlines.replica(1)):
        health.reset()
        _, seconds = timed(monitor.measure)
        states = {state["name"]: state for state in health.snapshot(["replica1", "replica2"])}
    assert seconds <= BOUND
    assert states["replica2"]["lag_bytes"] == 0
    assert states["replica1"]["lag_bytes"] is None
    assert not states["replica1"]["up"]
