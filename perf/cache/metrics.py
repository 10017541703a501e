"""
Counters of what each cache level did, kept per process for the ``/perf/`` page and the benchmarks.

They are plain in-memory counters: counting must cost nothing next to the lookups it counts, so
nothing is sent anywhere. Each gunicorn worker shows its own numbers.
"""

import threading
from collections import Counter

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
    "discarded_sets",
)


class Metrics:
    """Thread-safe event counters."""

    def __init__(self, events: tuple[str, ...] = EVENTS) -> None:
        self.events = events
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def incr(self, event: str, amount: int = 1) -> None:
        with self._lock:
            self._counts[event] += amount

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return {event: self._counts[event] for event in self.events}

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
