"""
What the live charts of ``/perf/`` plot: the host's running totals, from which the page draws
each interval's rate (reads per node, failovers, errors, cache hit ratio).

Totals rather than rates, so that every poll is independent: the page subtracts the previous
poll, and a poll it missed only widens one interval.
"""

from typing import Any

from perf.metrics.host import Samples, host_samples, requests_by_process


def host_activity() -> dict[str, Any]:
    samples = host_samples()
    return {
        "processes": requests_by_process(),
        "totals": {
            "reads": samples.by("perf_db_reads_total", "node"),
            "failovers": samples.total("perf_db_failovers_total"),
            "errors": {
                "responses_5xx": samples.total("perf_request_duration_seconds_count", status="5xx"),
                "node_failures": samples.total("perf_db_node_failures_total"),
                "cache_errors": samples.total("perf_breaker_errors_total"),
            },
            "caches": cache_hits(samples),
        },
    }


def cache_hits(samples: Samples) -> dict[str, dict[str, float]]:
    """Per cache: lookups (every L1 lookup) and hits (at L1 or at L2)."""
    lookups = samples.by("perf_cache_lookups_total", "cache", level="l1")
    hits = samples.by("perf_cache_lookups_total", "cache", result="hit")
    return {cache: {"lookups": lookups[cache], "hits": hits.get(cache, 0.0)} for cache in lookups}
