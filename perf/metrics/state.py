"""
Gauges of what is true now, read when ``/metrics`` is scraped: each node up or down and its
replication lag, each circuit breaker open or closed, read-only mode, generation tracking.

They are read from the process that answers the scrape, and that is the host's view for the
databases: ``perf.db.shared_health`` copies every node's change to each process of the host
within ``SHARED_HEALTH_INTERVAL``, and each process measures lag itself. A circuit breaker is
each process's own; every process trips its own within one call of a Redis outage.
"""

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from perf.cache import generations, shared_cache
from perf.cache.breaker import server_breakers
from perf.db import health, topology
from perf.db.readonly import is_read_only


class StateCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        nodes = health.snapshot(topology.nodes())
        up = GaugeMetricFamily("perf_db_node_up", "1 while the node answers.", labels=["node"])
        routable = GaugeMetricFamily(
            "perf_db_node_routable",
            "1 while the node takes reads: up and caught up, or due for its retry.",
            labels=["node"],
        )
        lag_bytes = GaugeMetricFamily(
            "perf_db_replica_lag_bytes", "WAL a replica has still to replay.", labels=["node"]
        )
        lag_seconds = GaugeMetricFamily(
            "perf_db_replica_lag_seconds", "Seconds a replica is behind.", labels=["node"]
        )
        for node in nodes:
            up.add_metric([node["name"]], int(node["up"]))
            routable.add_metric([node["name"]], int(health.is_routable(node["name"])))
            if node["lag_bytes"] is not None:
                lag_bytes.add_metric([node["name"]], node["lag_bytes"])
            if node["lag_seconds"] is not None:
                lag_seconds.add_metric([node["name"]], node["lag_seconds"])
        yield from (up, routable, lag_bytes, lag_seconds)
        yield GaugeMetricFamily(
            "perf_read_only", "1 while the primary is down: writes answer 503.", is_read_only()
        )
        breakers = GaugeMetricFamily(
            "perf_breaker_open",
            "1 while a circuit breaker skips its server (the answering process's).",
            labels=["breaker"],
        )
        for breaker in [shared_cache().breaker, *server_breakers().values()]:
            breakers.add_metric([breaker.name], int(breaker.is_open))
        yield breakers
        yield GaugeMetricFamily(
            "perf_generation_tracking_listening",
            "1 while Redis reports generation changes to the answering process.",
            generations().tracker.state == "listening",
        )
