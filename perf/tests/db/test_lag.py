import logging
from collections import deque

import pytest

from perf.db import health
from perf.db.lag import monitor, seconds_behind

# The primary's WAL position as the monitor saw it: idle from 100 s to 160 s, then writing.
HISTORY = deque([(100.0, 5000), (130.0, 5000), (160.0, 5000), (162.0, 7000), (164.0, 9000)])


def test_a_replica_that_replayed_the_primarys_position_is_not_behind_however_idle():
    assert seconds_behind(HISTORY, 9000, now=164.0) == 0.0
    assert seconds_behind(deque([(100.0, 5000)]), 5000, now=400.0) == 0.0


def test_a_replica_is_as_far_behind_as_the_newest_position_it_has_replayed():
    assert seconds_behind(HISTORY, 7000, now=164.0) == 2.0
    assert seconds_behind(HISTORY, 8000, now=164.0) == 2.0
    # Replayed up to where the primary was while idle: behind since the idle spell ended.
    assert seconds_behind(HISTORY, 5000, now=164.0) == 4.0


def test_a_replica_older_than_every_sample_is_at_least_as_old_as_the_oldest():
    assert seconds_behind(HISTORY, 1000, now=164.0) == 64.0


@pytest.mark.stack
@pytest.mark.django_db(transaction=True, databases="__all__")
@pytest.mark.usefixtures("health_by_hand")
def test_the_monitor_measures_each_replica_in_bytes_and_seconds(replica_groups, stack):
    stack.wait_for_replication()
    monitor.measure()
    states = {state["name"]: state for state in health.snapshot(["replica1", "replica2"])}
    for state in states.values():
        assert state["lag_bytes"] == 0
        assert state["lag_seconds"] == 0.0
        assert state["up"]


@pytest.mark.stack
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_a_node_the_monitor_cannot_ask_stays_in_service_and_is_logged_once(replica_groups, caplog):
    caplog.set_level(logging.INFO, logger="perf.db")
    replica_groups.PERF = {**replica_groups.PERF, "LAG_MONITOR_DATABASE": "no_such_database"}
    with monitor.paused():
        monitor.measure()
        monitor.measure()
    assert health.is_routable("default")
    assert health.is_routable("replica1")
    events = [record.perf for record in caplog.records if hasattr(record, "perf")]
    assert [(event["event"], event["node"]) for event in events] == [("lag_unknown", "default")]
    assert "no_such_database" in events[0]["error"]
