"""
The metric families perf counts into, each defined once.

prometheus_client decides at import whether values live in this process (the default registry)
or in files under ``PROMETHEUS_MULTIPROC_DIR``, one per gunicorn worker, which ``perf.metrics.host``
sums; the code that counts is the same either way. Every label is bounded: cache names and
levels, node aliases, breaker names, URL names and status classes, never paths or keys.
"""

from functools import cache

from prometheus_client import Counter, Histogram, disable_created_metrics
from prometheus_client.metrics import MetricWrapperBase

# A ``_created`` gauge per labelled counter doubles the output for what Prometheus does not use
# (and multiprocess mode never writes it): one exposition in both modes.
disable_created_metrics()

CACHE_LOOKUPS = Counter(
    "perf_cache_lookups",
    "Lookups of a multi-level cache at one level (l1, l2), by result (hit, miss).",
    ["cache", "level", "result"],
)
CACHE_EVENTS = Counter(
    "perf_cache_events",
    "What a multi-level cache did besides lookups: recomputes, stale_serves, lock_waits, "
    "bypasses (L2 down), down_hits (served from the process while L2 is down), discarded_sets "
    "(invalidated while computed).",
    ["cache", "event"],
)
GENERATION_TRACKING = Counter(
    "perf_generation_tracking_events",
    "Generation tracking: hits (found in memory), misses (read from Redis), reports (changes "
    "Redis reported), connects (tracking connections opened).",
    ["event"],
)
DB_READS = Counter("perf_db_reads", "Reads each database node served to requests.", ["node"])
DB_READ_SECONDS = Counter(
    "perf_db_read_seconds", "Time of the reads each database node served.", ["node"]
)
DB_FAILOVERS = Counter(
    "perf_db_failovers",
    "Connections or reads meant for one node that went to another, by reason.",
    ["from_node", "to_node", "reason"],
)
DB_NODE_FAILURES = Counter(
    "perf_db_node_failures",
    "Failed connections to a node and connections lost under a query.",
    ["node"],
)
BREAKER_ERRORS = Counter(
    "perf_breaker_errors", "Failures a circuit breaker counted (Redis, the L2 alias).", ["breaker"]
)
REQUEST_DURATION = Histogram(
    "perf_request_duration_seconds",
    "Time from the first middleware to the response, by URL name and status class.",
    ["view", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

FAMILIES = (
    CACHE_LOOKUPS,
    CACHE_EVENTS,
    GENERATION_TRACKING,
    DB_READS,
    DB_READ_SECONDS,
    DB_FAILOVERS,
    DB_NODE_FAILURES,
    BREAKER_ERRORS,
    REQUEST_DURATION,
)

# A cache's lookup events, as (level, result); its other events keep their names.
LOOKUPS = {
    "l1_hits": ("l1", "hit"),
    "l1_misses": ("l1", "miss"),
    "l2_hits": ("l2", "hit"),
    "l2_misses": ("l2", "miss"),
}


@cache
def series(family: MetricWrapperBase, *labels: str) -> MetricWrapperBase:
    """The family's series for ``labels`` (in the family's order), looked up once: ``labels()``
    validates and locks on every call, three to five times the cost of the ``inc()`` itself,
    and a cached page counts a dozen events."""
    return family.labels(*labels)


def count_cache_event(cache_name: str, event: str, amount: int = 1) -> None:
    """Count one of ``perf.cache.metrics.EVENTS`` of the cache named ``cache_name``."""
    if not amount:
        return
    if event in LOOKUPS:
        series(CACHE_LOOKUPS, cache_name, *LOOKUPS[event]).inc(amount)
    else:
        series(CACHE_EVENTS, cache_name, event).inc(amount)


def reset() -> None:
    """Forget every value of this process (tests: each starts from zero, as after a restart)."""
    for family in FAMILIES:
        family.clear()
    series.cache_clear()
