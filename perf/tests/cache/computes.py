"""Compute functions for the cache tests, counting their calls."""

import threading
import time


class Counter:
    """A compute function that counts its calls and returns "<key>@<call number>"."""

    def __init__(self, delay=0.0):
        self.calls = 0
        self.delay = delay
        self._lock = threading.Lock()

    def __call__(self):
        with self._lock:
            self.calls += 1
            call = self.calls
        time.sleep(self.delay)
        return f"value@{call}"

    def many(self, items):
        with self._lock:
            self.calls += 1
        return {item: f"{item}@{self.calls}" for item in items if not str(item).startswith("gone")}


def named(*keys):
    """Items that are their own keys."""
    return {key: key for key in keys}


def in_ns(item):
    return ["ns"]
