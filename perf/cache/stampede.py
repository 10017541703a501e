"""
``RecomputeLocks``: one process recomputes a missing or expired key while the others wait a
bounded time (missing) or serve the stale value (expired).

The lock is a key in L2 that expires on its own after LOCK_TIMEOUT seconds, so a holder that
crashed blocks nobody for long; a waiter polls L2 for the value at most LOCK_WAIT seconds, then
computes it itself.
"""

import time
import uuid

from perf.cache.entry import Entry
from perf.cache.shared import CacheUnavailable, SharedCache

POLL_INTERVAL = 0.02


class RecomputeLocks:
    def __init__(self, shared: SharedCache, *, timeout: float, wait: float) -> None:
        self.shared = shared
        self.timeout = timeout
        self.wait = wait

    def acquire(self, full_key: str) -> str | None:
        """A token if this process may compute ``full_key``, None if another one is at it ("" when
        L2 is down: compute, with nothing to release)."""
        token = uuid.uuid4().hex
        try:
            return token if self.shared.add(f"{full_key}:lock", token, self.timeout) else None
        except CacheUnavailable:
            return ""

    def release(self, full_key: str, token: str | None) -> None:
        # Not atomic: at worst a lock that expired and was taken again is dropped early, which
        # costs one extra recompute, never a wrong value.
        if not token:
            return
        try:
            if self.shared.get(f"{full_key}:lock") == token:
                self.shared.delete(f"{full_key}:lock")
        except CacheUnavailable:
            pass

    def wait_for(self, full_key: str) -> Entry | None:
        """Another process's value of a missing key, polled from L2 for at most ``wait`` s."""
        deadline = time.monotonic() + self.wait
        while time.monotonic() < deadline:
            time.sleep(POLL_INTERVAL)
            try:
                entry = self.shared.get(full_key)
            except CacheUnavailable:
                return None
            if entry is not None:
                return entry
        return None
