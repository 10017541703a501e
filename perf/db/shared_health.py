"""
Node health shared by the processes of a host, through a Django cache (Redis in production).

Each gunicorn worker keeps its own registry (``health``), which requests ask without waiting on
anything. A daemon thread per process copies each node's last change between that registry and
the cache: at once when this process finds one, else every SHARED_HEALTH_INTERVAL seconds, one
``get_many`` and, when this process knows something newer, one ``set_many``. So a worker that
finds a node down or hung spares the others the timeout, and when one worker's half-open trial
brings the node back, all take it back within the interval. The newer change wins, dated by the
wall clock the processes of a host share; keys carry the host name, as another host may see the
network differently.

When the cache is down or hangs, only this thread waits (the alias's socket timeout); each
process goes on with what it finds itself, and logs ``shared_health_unavailable`` once.
"""

import logging
import socket
import threading
from typing import Any

from django.core.cache import caches

from perf.conf import get_config
from perf.db import health, topology

logger = logging.getLogger("perf.db")

KEY_PREFIX = "perf:db:health"
# A node's shared state outlives any outage worth remembering, and then goes.
KEY_TIMEOUT = 24 * 3600


class SharedHealth:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sync_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._unavailable = False

    def ensure_running(self) -> None:
        """Start sharing unless it runs in this process (a forked worker starts its own), or
        SHARED_HEALTH_CACHE_ALIAS is None."""
        if self._thread is not None and self._thread.is_alive():
            return
        if get_config()["SHARED_HEALTH_CACHE_ALIAS"] is None:
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stopping.clear()
                self._thread = threading.Thread(
                    target=self._run, name="perf-db-shared-health", daemon=True
                )
                self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        health.changed.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while not self._stopping.is_set():
            health.changed.wait(get_config()["SHARED_HEALTH_INTERVAL"])
            health.changed.clear()
            self.sync()

    def sync(self) -> None:
        """Take the other processes' newer changes, then share this process's newer ones."""
        alias = get_config()["SHARED_HEALTH_CACHE_ALIAS"]
        if alias is None:
            return
        keys = {node: self.key(node) for node in topology.nodes()}
        with self._sync_lock:
            try:
                stored = caches[alias].get_many(list(keys.values()))
                theirs = {node: stored[key] for node, key in keys.items() if key in stored}
                health.adopt(theirs)
                newer = {
                    keys[node]: state
                    for node, state in health.shared_states().items()
                    if node in keys and state["changed_at"] > changed_at(theirs.get(node))
                }
                if newer:
                    caches[alias].set_many(newer, KEY_TIMEOUT)
            except Exception as error:  # whatever the cache raises, this process goes on alone
                if not self._unavailable:
                    self._unavailable = True
                    event = "shared_health_unavailable"
                    health.log(logging.WARNING, event, alias=alias, error=error)
                return
            if self._unavailable:
                self._unavailable = False
                health.log(logging.INFO, "shared_health_available", alias=alias)

    @staticmethod
    def key(node: str) -> str:
        return f"{KEY_PREFIX}:{socket.gethostname()}:{node}"


def changed_at(state: dict[str, Any] | None) -> float:
    return state["changed_at"] if state else 0.0


board = SharedHealth()
