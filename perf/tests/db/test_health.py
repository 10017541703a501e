import logging

import pytest

from perf.db import health
from perf.metrics.host import host_samples


@pytest.fixture
def clock(monkeypatch, settings):
    settings.PERF = {**settings.PERF, "FAILOVER_COOLDOWN": 5.0}
    now = [1000.0]
    monkeypatch.setattr(health, "clock", lambda: now[0])
    return now


def test_a_failed_node_is_skipped_for_the_cooldown(clock):
    health.record_failure("replica1", "Connection refused")
    clock[0] += 4.9
    assert not health.try_acquire("replica1")
    assert not health.is_routable("replica1")


def test_after_the_cooldown_one_caller_tries_the_node_while_the_others_skip_it(clock):
    health.record_failure("replica1", "Connection refused")
    clock[0] += 5.0
    assert health.is_routable("replica1")
    assert health.try_acquire("replica1")
    assert not health.try_acquire("replica1")
    assert not health.is_routable("replica1")


def test_a_node_rejoins_when_its_trial_connection_succeeds(clock):
    health.record_failure("replica1", "Connection refused")
    clock[0] += 5.0
    health.try_acquire("replica1")
    health.record_connected("replica1")
    assert health.try_acquire("replica1")
    assert health.try_acquire("replica1")


def test_a_failed_trial_starts_a_new_cooldown(clock):
    health.record_failure("replica1", "Connection refused")
    clock[0] += 5.0
    health.try_acquire("replica1")
    health.record_failure("replica1", "connection timeout expired")
    clock[0] += 4.0
    assert not health.try_acquire("replica1")
    clock[0] += 1.0
    assert health.try_acquire("replica1")


def test_each_failure_and_recovery_writes_one_structured_line(clock, caplog):
    caplog.set_level(logging.INFO, logger="perf.db")
    health.record_failure("replica1", "57P01 terminating connection")
    clock[0] += 7.5
    health.record_connected("replica1")
    health.record_connected("replica1")
    assert [record.getMessage() for record in caplog.records] == [
        'event=node_down node=replica1 error="57P01 terminating connection"',
        "event=node_up node=replica1 down_for=7.5",
    ]
    assert caplog.records[0].perf == {
        "event": "node_down",
        "node": "replica1",
        "error": "57P01 terminating connection",
    }


def test_a_failover_is_counted_against_the_node_left_and_logged(caplog):
    caplog.set_level(logging.INFO, logger="perf.db")
    health.record_failover("replica1", "replica1", "replica2", "connection_lost")
    assert host_samples().total("perf_db_failovers_total", from_node="replica1") == 1
    assert caplog.messages == [
        "event=failover alias=replica1 from_node=replica1 to_node=replica2 reason=connection_lost"
    ]


@pytest.mark.parametrize(
    ("lag_bytes", "lag_seconds", "lagging"),
    [(0, 0.0, False), (1024, 1.0, False), (10**9, 0.0, True), (0, 60.0, True)],
)
def test_a_replica_lags_when_it_is_behind_in_bytes_or_in_seconds(
    settings, lag_bytes, lag_seconds, lagging
):
    settings.PERF = {**settings.PERF, "MAX_LAG_BYTES": 1024 * 1024, "MAX_LAG_SECONDS": 10.0}
    health.record_lag("replica1", lag_bytes, lag_seconds)
    assert health.is_routable("replica1") is not lagging
    assert health.try_acquire("replica1") is not lagging


def test_reads_add_up_per_node():
    health.record_reads({"replica1": (3, 1.5), "default": (1, 0.25)})
    health.record_reads({"replica1": (2, 1.0)})
    samples = host_samples()
    assert samples.by("perf_db_reads_total", "node") == {"default": 1, "replica1": 5}
    assert samples.by("perf_db_read_seconds_total", "node") == pytest.approx(
        {"default": 0.00025, "replica1": 0.0025}
    )


def shared_down(changed_at: float, retry_in: float = 5.0) -> dict:
    wall = health.wall_clock()
    return {"up": False, "changed_at": changed_at, "retry_at": wall + retry_in, "error": "hung"}


def test_a_newer_change_shared_by_another_process_is_taken_with_its_cooldown(clock, caplog):
    caplog.set_level(logging.INFO, logger="perf.db")
    health.adopt({"replica1": shared_down(health.wall_clock(), retry_in=3.0)})
    assert not health.is_routable("replica1")
    clock[0] += 3.0
    assert health.try_acquire("replica1")
    # Only the process that found the change logs it.
    assert caplog.records == []


def test_a_change_older_than_what_this_process_knows_is_ignored(clock):
    health.record_failure("replica1", "refused")
    health.record_connected("replica1")
    health.adopt({"replica1": shared_down(health.wall_clock() - 1.0)})
    assert health.is_up("replica1")


def test_this_process_shares_its_own_changes_only(clock):
    assert health.shared_states() == {}
    health.record_lag("replica2", 0, 0.0)
    health.record_failure("replica1", "refused")
    [(name, state)] = health.shared_states().items()
    assert (name, state["up"], state["error"]) == ("replica1", False, "refused")
    assert state["retry_at"] == pytest.approx(health.wall_clock() + 5.0, abs=0.5)


def test_a_reset_forgets_what_was_shared_before_it():
    stale = shared_down(health.wall_clock())
    health.reset()
    health.adopt({"replica1": stale})
    assert health.is_up("replica1")


def test_event_fields_ride_on_the_record_as_attributes_for_structured_handlers(caplog):
    caplog.set_level(logging.INFO, logger="perf.db")
    health.log(logging.INFO, "example", node="replica1", name="clashes with LogRecord.name")

    [record] = caplog.records
    assert (record.event, record.node) == ("example", "replica1")
    assert record.perf_name == "clashes with LogRecord.name"
    assert record.name == "perf.db"
