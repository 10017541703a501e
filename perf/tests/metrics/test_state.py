"""The gauges ``/metrics`` reads when scraped: what the status page shows, as numbers."""

import pytest

from perf.cache import shared_cache
from perf.cache.breaker import server_breaker
from perf.db import health

pytestmark = pytest.mark.django_db


def gauge(samples: dict, name: str, **labels: str) -> float:
    return samples[(name, frozenset(labels.items()))]


def test_each_node_is_up_or_down_and_routable_or_not(scrape, nodes_by_hand):
    health.record_failure("replica1", "Connection refused")

    samples = scrape()

    assert gauge(samples, "perf_db_node_up", node="default") == 1
    assert gauge(samples, "perf_db_node_up", node="replica1") == 0
    assert gauge(samples, "perf_db_node_routable", node="replica1") == 0
    assert gauge(samples, "perf_db_node_up", node="replica2") == 1


def test_a_lagging_replica_is_up_but_not_routable_and_its_lag_is_reported(
    scrape, nodes_by_hand, settings
):
    settings.PERF = {**settings.PERF, "MAX_LAG_BYTES": 1024}
    health.record_lag("replica2", 4096, 0.5)

    samples = scrape()

    assert gauge(samples, "perf_db_replica_lag_bytes", node="replica2") == 4096
    assert gauge(samples, "perf_db_replica_lag_seconds", node="replica2") == 0.5
    assert gauge(samples, "perf_db_node_up", node="replica2") == 1
    assert gauge(samples, "perf_db_node_routable", node="replica2") == 0


def test_read_only_mode_shows_while_the_primary_is_down(scrape, nodes_by_hand):
    assert gauge(scrape(), "perf_read_only") == 0

    health.record_failure("default", "Connection refused")

    assert gauge(scrape(), "perf_read_only") == 1


def test_each_circuit_breaker_is_open_or_closed(scrape):
    server_breaker("127.0.0.1:1").failed(TimeoutError("Timeout reading from socket"))

    samples = scrape()

    assert gauge(samples, "perf_breaker_open", breaker="Redis 127.0.0.1:1") == 1
    assert gauge(samples, "perf_breaker_open", breaker=shared_cache().breaker.name) == 0
    assert ("perf_generation_tracking_listening", frozenset()) in samples
