"""
Node health shared by the processes of a host, through the real Redis: another process (a
subprocess, as another gunicorn worker would be) finds a node down or back, and this one follows
without trying the node itself; with Redis down or hung, each keeps its own view and never waits.
"""

import logging
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.db import router

from perf.db import health
from perf.db.shared_health import board
from perf.tests.probes import finish_probes

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True, databases="__all__")]

# Another worker of this host: it learns what the others shared, then reports what it found.
OTHER_WORKER = """
import sys
import django

django.setup()
from perf.db import health
from perf.db.shared_health import board

node, finding = sys.argv[1:]
board.sync()
if finding == "down":
    health.record_failure(node, "found by another worker")
else:
    health.record_connected(node)
board.sync()
"""
# The settings' Redis socket timeout, and what a loaded machine may add to it.
REDIS_TIMEOUT = 0.5
MARGIN = 1.0


@pytest.fixture
def shared(replica_groups):
    replica_groups.PERF = {
        **replica_groups.PERF,
        "SHARED_HEALTH_CACHE_ALIAS": "default",
        "SHARED_HEALTH_INTERVAL": 0.1,
        "FAILOVER_COOLDOWN": 30.0,
    }
    return replica_groups


def another_worker_finds(node: str, finding: str) -> None:
    subprocess.run([sys.executable, "-c", OTHER_WORKER, node, finding], check=True, timeout=60)


def wait_until(condition, timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not within the timeout"
        time.sleep(0.02)


def perf_events(caplog) -> list[str]:
    return [record.perf["event"] for record in caplog.records if hasattr(record, "perf")]


@contextmanager
def hung_redis(stack):
    stack.freeze_redis()
    try:
        yield
    finally:
        stack.thaw_redis()


@pytest.mark.usefixtures("health_by_hand")
def test_a_node_another_worker_finds_down_is_skipped_here_without_trying(shared, caplog):
    caplog.set_level(logging.INFO, logger="perf.db")
    board.ensure_running()
    another_worker_finds("replica1", "down")
    wait_until(lambda: not health.is_routable("replica1"))
    assert not health.try_acquire("replica1")
    assert {router.db_for_read(Group) for _ in range(6)} == {"replica2"}
    [state] = health.snapshot(["replica1"])
    assert state["last_error"] == "found by another worker"
    # The finder logged it; this process only followed.
    assert "node_down" not in perf_events(caplog)


@pytest.mark.usefixtures("health_by_hand")
def test_a_node_another_worker_brings_back_is_taken_back_here(shared):
    health.record_failure("replica1", "connection refused")
    board.sync()
    another_worker_finds("replica1", "up")
    board.sync()
    assert health.is_up("replica1")
    assert health.try_acquire("replica1")


def test_a_change_older_than_this_process_knows_is_not_taken(shared):
    another_worker_finds("replica1", "down")
    health.record_failure("replica1", "refused")
    health.record_connected("replica1")
    board.sync()
    assert health.is_up("replica1")


@pytest.mark.usefixtures("health_by_hand")
def test_with_redis_down_each_process_keeps_its_own_view(shared, stack, caplog):
    caplog.set_level(logging.INFO, logger="perf.db")
    # Redis is skipped for L2_RETRY_AFTER after an error (perf.cache.breaker): shortened here.
    shared.PERF = {**shared.PERF, "L2_RETRY_AFTER": 0.2}
    board.stop()  # this test syncs by hand
    stack.stop_redis()
    health.record_failure("replica1", "refused")
    started = time.monotonic()
    board.sync()
    board.sync()
    assert time.monotonic() - started <= 2 * REDIS_TIMEOUT + MARGIN
    assert not health.is_routable("replica1")
    assert perf_events(caplog).count("shared_health_unavailable") == 1
    stack.start_redis()
    time.sleep(0.25)
    board.sync()  # refused at once: the breaker's probe tries Redis meanwhile
    finish_probes()
    board.sync()
    assert perf_events(caplog)[-1] == "shared_health_available"
    # What this process found meanwhile reaches the others once Redis is back.
    assert caches["default"].get(board.key("replica1"))["up"] is False


@pytest.mark.usefixtures("health_by_hand")
def test_a_hung_redis_holds_the_sharing_thread_only(shared, stack):
    board.ensure_running()
    with hung_redis(stack):
        started = time.monotonic()
        health.record_failure("replica1", "refused")
        for _ in range(1000):
            health.is_routable("replica1")
            health.try_acquire("replica2")
        assert time.monotonic() - started < 0.1
        started = time.monotonic()
        board.sync()
        assert time.monotonic() - started <= REDIS_TIMEOUT + MARGIN
    assert not health.is_routable("replica1")
