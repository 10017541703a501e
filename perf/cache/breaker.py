"""
A circuit breaker: after a server fails, skip it for a while instead of paying its timeout again.

A hung Redis accepts connections and never answers, so every call waits its full socket timeout.
The breaker opens on the first failure; for ``retry_after`` seconds callers are told at once that
the server is unavailable. Then one call (half-open) tries it while the others keep skipping: if
it succeeds the breaker closes, if it fails the breaker stays open for another ``retry_after``.
So a dead or hung server costs each process at most one timeout per ``retry_after`` seconds,
however many threads and requests it serves meanwhile.

With a ``probe`` (a callable that raises unless the server answers), that try is not a caller's:
the caller that finds the cooldown over is refused like the others, and the probe runs in a
thread of its own. A hung server then costs requests one timeout, when it is found hung, and
none after: a half-open try of a hung Redis waits the full socket timeout, which in a gunicorn
worker holds up every request queued behind it.

``SharedCache`` (the data cache's L2) owns one, and ``redis_client.CircuitBreakerRedis`` keeps one
per Redis server for every cache alias that points at it (the session store's included).
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from perf.conf import get_config
from perf.metrics.families import BREAKER_ERRORS, series

logger = logging.getLogger("perf.cache")

T = TypeVar("T")


class CircuitBreaker:
    """Whether ``name`` may be called now, from what its last calls did; thread-safe."""

    def __init__(
        self, name: str, *, retry_after: float, probe: Callable[[], object] | None = None
    ) -> None:
        self.name = name
        self.retry_after = retry_after
        self.probe = probe
        #: Failures counted (the status page shows them); calls skipped are not failures.
        self.errors = 0
        self._open_until: float | None = None
        self._trying = False
        self._prober: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        """Whether calls are being skipped (a half-open try in progress counts as open)."""
        if self._open_until is None:
            return False
        return self._trying or time.monotonic() < self._open_until

    def call(
        self,
        function: Callable[[], T],
        *,
        errors: tuple[type[BaseException], ...],
        unavailable: Callable[[str], BaseException],
    ) -> T:
        """``function()``, or ``unavailable(reason)`` raised without calling it while the breaker
        is open. Only ``errors`` mean the server failed; any other outcome means it answered."""
        if not self._allow():
            raise unavailable(f"{self.name} is skipped for {self.retry_after} s after an error")
        try:
            result = function()
        except errors as error:
            self.failed(error)
            raise
        except BaseException:
            self._answered()
            raise
        self._answered()
        return result

    def failed(self, error: BaseException) -> None:
        """Open (or keep open) the breaker after ``error``; one warning when it opens."""
        with self._lock:
            self.errors += 1
            opening = self._open_until is None
            self._open_until = time.monotonic() + self.retry_after
            self._trying = False
        series(BREAKER_ERRORS, self.name).inc()
        if opening:
            logger.warning(
                "%s unavailable (%s: %s); skipped for %s s",
                self.name,
                type(error).__name__,
                error,
                self.retry_after,
            )

    def _allow(self) -> bool:
        """Closed, or this caller takes the one half-open try (the probe's thread does, if any)."""
        with self._lock:
            if self._open_until is None:
                return True
            if self._trying and self._prober is not None and not self._prober.is_alive():
                self._trying = False  # a probe of the process this one was forked from
            if self._trying or time.monotonic() < self._open_until:
                return False
            self._trying = True
            if self.probe is None:
                return True
            self._prober = threading.Thread(
                target=self._run_probe, name=f"perf-probe {self.name}", daemon=True
            )
            self._prober.start()
            return False

    def _run_probe(self) -> None:
        try:
            self.probe()
        except Exception as error:  # whatever it raises, the server did not answer as it should
            self.failed(error)
        else:
            self._answered()

    def _answered(self) -> None:
        with self._lock:
            closing = self._open_until is not None and self._trying
            if closing:
                self._open_until = None
            self._trying = False
        if closing:
            logger.info("%s answers again", self.name)


_servers_lock = threading.Lock()
_servers: dict[str, CircuitBreaker] = {}


def server_breaker(server: str, *, probe: Callable[[], object] | None = None) -> CircuitBreaker:
    """This process's breaker for the server at ``server`` (``host:port``, a socket path), with
    ``L2_RETRY_AFTER`` as its cooldown and, made by the first caller, ``probe`` as its probe."""
    with _servers_lock:
        if server not in _servers:
            retry_after = get_config()["L2_RETRY_AFTER"]
            name = f"Redis {server}"
            _servers[server] = CircuitBreaker(name, retry_after=retry_after, probe=probe)
        return _servers[server]


def server_breakers() -> dict[str, CircuitBreaker]:
    """Every server's breaker this process has made, by server."""
    with _servers_lock:
        return dict(_servers)


def reset_server_breakers() -> None:
    """Forget every server's breaker (tests, a changed ``PERF`` setting)."""
    with _servers_lock:
        _servers.clear()
