"""
Counters of what each cache level did: per process for the benchmarks and the tests, and into
Prometheus (``perf.metrics.families``) for ``/metrics`` and the host's view on ``/perf/``.

Counting must cost nothing next to the lookups it counts: a lock and a dict here, a lock and a
memory-mapped file there; nothing is sent anywhere.
"""

import threading
from collections import Counter

from perf.metrics.families import count_cache_event

#: Every event a multi-level cache counts, in the order the status page shows them.
EVENTS = (
    "l1_hits",
    "l1_misses",
    "l2_hits",
    "l2_misses",
    "recomputes",
    "stale_serves",
    "lock_waits",
    "bypasses",
    "down_hits",
    "discarded_sets",
)


class Metrics:
    """Thread-safe event counters of the cache named ``cache``."""

    def __init__(self, cache: str, events: tuple[str, ...] = EVENTS) -> None:
        self.cache = cache
        self.events = events
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def incr(self, event: str, amount: int = 1) -> None:
        with self._lock:
            self._counts[event] += amount
        count_cache_event(self.cache, event, amount)

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return {event: self._counts[event] for event in self.events}

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
