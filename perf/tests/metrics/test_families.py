"""Each counter family is fed by the event point that already counted for the status page."""

import pytest

from perf.cache import data_cache
from perf.cache.breaker import CircuitBreaker
from perf.cache.metrics import EVENTS, Metrics
from perf.db import health
from perf.metrics.families import LOOKUPS
from perf.metrics.host import host_samples

pytestmark = pytest.mark.django_db


def ones(items):
    return dict.fromkeys(items, 1)


def test_cache_lookups_are_counted_per_cache_level_and_result():
    data_cache().get_many({"a": "a", "b": "b"}, ones, namespaces=lambda item: ["ns"])
    data_cache().get_many({"a": "a"}, ones, namespaces=lambda item: ["ns"])

    samples = host_samples()
    lookups = {
        (level, result): samples.total(
            "perf_cache_lookups_total", cache="data", level=level, result=result
        )
        for level, result in LOOKUPS.values()
    }
    assert lookups == {("l1", "hit"): 1, ("l1", "miss"): 2, ("l2", "hit"): 0, ("l2", "miss"): 2}
    assert samples.total("perf_cache_events_total", cache="data", event="recomputes") == 2


@pytest.mark.parametrize("event", [event for event in EVENTS if event not in LOOKUPS])
def test_every_other_cache_event_is_counted_by_name(event):
    """Stale serves, lock waits, recomputes, bypasses, discarded sets: what ``Metrics`` counts
    for the benchmarks is what Prometheus gets."""
    metrics = Metrics("page")
    metrics.incr(event, 3)

    assert metrics.snapshot()[event] == 3
    assert host_samples().total("perf_cache_events_total", cache="page", event=event) == 3


def test_failed_connections_are_counted_per_node():
    health.record_failure("replica1", "Connection refused")
    health.record_failure("replica1", "Connection refused")
    health.reset()

    assert host_samples().by("perf_db_node_failures_total", "node") == {"replica1": 2}


def test_a_failover_is_counted_with_where_it_went_and_why():
    health.record_failover("replica1", "replica1", "replica2", "connect_failed")

    labels = {"from_node": "replica1", "to_node": "replica2", "reason": "connect_failed"}
    assert host_samples().total("perf_db_failovers_total", **labels) == 1


def test_a_circuit_breaker_counts_its_failures():
    breaker = CircuitBreaker("Redis 127.0.0.1:1", retry_after=5)
    breaker.failed(TimeoutError("Timeout reading from socket"))

    assert host_samples().total("perf_breaker_errors_total", breaker="Redis 127.0.0.1:1") == 1


def test_a_request_counts_the_reads_each_node_served(client):
    client.get("/")

    reads = host_samples().by("perf_db_reads_total", "node")
    assert reads
    assert all(count > 0 for count in reads.values())
    assert set(reads) <= {"default", "replica1", "replica2"}
