"""
The in-process level (L1): a bounded LRU dictionary whose entries expire after a few seconds.

It saves the network round trip to Redis for the hottest keys. It holds the very objects it
returns, shared by every thread of the process: cached values must be treated as immutable.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any


class LocalCache:
    """At most ``max_entries`` values, each kept at most ``ttl`` seconds; thread-safe."""

    def __init__(self, *, max_entries: int, ttl: float) -> None:
        self.max_entries = max_entries
        self.ttl = ttl
        self._data: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        now = time.monotonic()
        found = {}
        with self._lock:
            for key in keys:
                item = self._data.get(key)
                if item is None:
                    continue
                expires_at, value = item
                if expires_at <= now:
                    del self._data[key]
                    continue
                self._data.move_to_end(key)
                found[key] = value
        return found

    def set_many(self, values: dict[str, Any]) -> None:
        if self.max_entries <= 0:
            return
        expires_at = time.monotonic() + self.ttl
        with self._lock:
            for key, value in values.items():
                self._data[key] = (expires_at, value)
                self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)

    def delete_many(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                self._data.pop(key, None)

    def delete_if(self, predicate: Callable[[Any], bool]) -> None:
        """Delete the entries whose value ``predicate`` accepts."""
        with self._lock:
            for key in [key for key, (_, value) in self._data.items() if predicate(value)]:
                del self._data[key]

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)
