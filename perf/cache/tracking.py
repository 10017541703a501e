"""
Generations remembered in the process until Redis says they changed.

Without it, every lookup reads its namespaces' generations from Redis: one round trip per cached
page, whose only news is usually that nothing changed. With it, each process keeps one extra
connection on which Redis reports every change to a generation counter, using the broadcast mode
of its server-assisted client-side caching (``CLIENT TRACKING ON BCAST PREFIX``, Redis 6+, here
over RESP2: the connection redirects the reports to itself and subscribes to
``__redis__:invalidate``). Redis itself reports an ``INCR``, a ``DEL``, an eviction or a
``FLUSHDB``, whoever sent it, so no write path has to remember to publish anything.

Why this is as fresh as reading Redis every time: Redis queues the reports of a command's changes
before it writes that command's reply, and writes both in the same pass of its event loop. When a
bump's ``INCR`` has returned (after the commit), the report is already on its way to every
process, and each lookup drains the connection, without waiting, before it trusts what it
remembers.

A report can only be missed while the connection is down, so then nothing is remembered: the
process reads Redis on every lookup, as it would without tracking, until a new connection has
confirmed its subscription. Remembered generations also expire after ``GENERATION_TTL`` seconds,
which bounds the damage of a connection that died without the process noticing. A read that
overlaps a report is not remembered, since it may predate the change.
"""

import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable

from perf.cache.local import LocalCache
from perf.cache.shared import BACKEND_ERRORS, SharedCache
from perf.metrics.families import GENERATION_TRACKING, series

logger = logging.getLogger(__name__)

CHANNEL = "__redis__:invalidate"


class GenerationTracker:
    """Generations this process read lately, forgotten when Redis reports a change; thread-safe.

    ``prefix`` is the prefix of the counters' cache keys; only a django-redis shared level can be
    tracked, any other (local memory in the demo) is read every time.
    """

    def __init__(
        self, shared: SharedCache, *, prefix: str, ttl: float, max_entries: int, enabled: bool
    ) -> None:
        self.shared = shared
        self.prefix = prefix
        self.enabled = enabled and _redis_client(shared) is not None
        self.remembered = LocalCache(max_entries=max_entries, ttl=ttl)
        #: Counters for /perf/: generations found in memory or not, changes Redis reported,
        #: connections opened.
        self.hits = 0
        self.misses = 0
        self.reports = 0
        self.connects = 0
        self._connection = None
        self._redis_prefix = ""
        self._pid = os.getpid()
        self._retry_at = 0.0
        # A read is remembered unless its namespace changed after the read began. Changes are
        # numbered (the epoch); the last change of each namespace is kept, up to max_entries of
        # them, and those older than the horizon are not itemised (a flush, a reconnection).
        self._epoch = 0
        self._horizon = 0
        self._changed: OrderedDict[str, int] = OrderedDict()
        self._max_changed = max_entries
        self._lock = threading.Lock()

    def lookup(self, namespaces: Iterable[str]) -> tuple[dict[str, int], int | None]:
        """The generations remembered for ``namespaces``, and a token for ``remember()`` (None
        when nothing can be remembered now)."""
        if not self.enabled or self.shared.is_down:
            return {}, None
        with self._lock:
            if not self._listening():
                return {}, None
            namespaces = list(namespaces)
            found = self.remembered.get_many(namespaces)
            self.hits += len(found)
            self.misses += len(namespaces) - len(found)
            series(GENERATION_TRACKING, "hits").inc(len(found))
            series(GENERATION_TRACKING, "misses").inc(len(namespaces) - len(found))
            return found, self._epoch

    def remember(self, generations: dict[str, int], token: int | None) -> None:
        """Keep ``generations``, read from Redis after ``lookup()`` gave ``token``, but those of
        namespaces reported changed since: the read may have come before the change."""
        if token is None:
            return
        with self._lock:
            if not self._listening() or token < self._horizon:
                return
            self.remembered.set_many(
                {ns: gen for ns, gen in generations.items() if self._changed.get(ns, 0) <= token}
            )

    def forget(self, namespaces: Iterable[str]) -> None:
        """Drop ``namespaces`` at once, without waiting for Redis: this process just bumped them."""
        with self._lock:
            self._change(namespaces)

    @property
    def state(self) -> str:
        if not self.enabled:
            return "off"
        return "listening" if self._connection is not None else "not listening"

    def close(self) -> None:
        with self._lock:
            self._disconnect()

    def _listening(self) -> bool:
        """Whether the reports are arriving, after applying those waiting on the connection."""
        if self._pid != os.getpid():  # a forked child: the connection is the parent's
            self._connection, self._pid = None, os.getpid()
            self._change_all()
        if self._connection is None and not self._connect():
            return False
        try:
            while self._connection.can_read(timeout=0):
                self._apply(self._connection.read_response())
        except BACKEND_ERRORS as exc:
            logger.warning("Generation tracking lost its connection (%s); reading Redis", exc)
            self._disconnect()
            return False
        return True

    def _apply(self, message: list) -> None:
        kind, _channel, keys = message
        if kind != b"message":
            return
        self.reports += 1
        series(GENERATION_TRACKING, "reports").inc()
        if keys is None:  # the database was flushed
            self._change_all()
            return
        names = (key.decode() for key in keys)
        self._change(
            name.removeprefix(self._redis_prefix)
            for name in names
            if name.startswith(self._redis_prefix)
        )

    def _change(self, namespaces: Iterable[str]) -> None:
        self._epoch += 1
        namespaces = list(namespaces)
        for ns in namespaces:
            self._changed[ns] = self._epoch
            self._changed.move_to_end(ns)
        self.remembered.delete_many(namespaces)
        while len(self._changed) > self._max_changed:
            self._horizon = self._changed.popitem(last=False)[1]

    def _change_all(self) -> None:
        self._epoch += 1
        self._horizon = self._epoch
        self._changed.clear()
        self.remembered.clear()

    def _connect(self) -> bool:
        """Open the tracking connection; False (and remember nothing) if that fails, and no new
        attempt for ``retry_after`` seconds, nor while the server's circuit breaker is open."""
        if time.monotonic() < self._retry_at:
            return False
        client = _redis_client(self.shared)
        breaker = getattr(client, "breaker", None)  # perf.cache.redis_client's, if configured
        if breaker is not None and breaker.is_open:
            return False
        backend = self.shared.backend
        self._redis_prefix = str(backend.make_key(self.prefix))
        if str(backend.make_key(self.prefix + "x")) != self._redis_prefix + "x":
            logger.warning("The cache's KEY_FUNCTION hides key prefixes; generations not tracked")
            self.enabled = False
            return False
        from redis.exceptions import ResponseError

        pool = client.connection_pool
        # RESP2 whatever the pool speaks: its replies to SUBSCRIBE are plain replies, read here.
        connection = pool.connection_class(**{**pool.connection_kwargs, "protocol": 2})
        try:
            connection.connect()
            connection.send_command("CLIENT", "ID")
            client_id = connection.read_response()
            connection.send_command(
                "CLIENT", "TRACKING", "ON", "REDIRECT", client_id, "BCAST",
                "PREFIX", self._redis_prefix,
            )  # fmt: skip
            connection.read_response()
            connection.send_command("SUBSCRIBE", CHANNEL)
            connection.read_response()
        except ResponseError as exc:  # a Redis before 6, or a proxy without CLIENT TRACKING
            connection.disconnect()
            logger.warning("Generations not tracked: %s; reading them from Redis", exc)
            self.enabled = False
            return False
        except BACKEND_ERRORS as exc:
            connection.disconnect()
            logger.warning("Generations not tracked (%s); reading them from Redis", exc)
            self._retry_at = time.monotonic() + self.shared.retry_after
            if breaker is not None:
                breaker.failed(exc)
            return False
        self._connection = connection
        self.connects += 1
        series(GENERATION_TRACKING, "connects").inc()
        # Whatever changed before the subscription went unreported.
        self._change_all()
        return True

    def _disconnect(self) -> None:
        if self._connection is not None:
            self._connection.disconnect()
            self._connection = None
        self._change_all()


def _redis_client(shared: SharedCache):
    """The redis-py client behind a django-redis alias, or None for any other backend."""
    client = getattr(shared.backend, "client", None)
    get_client = getattr(client, "get_client", None)
    return get_client(write=True) if get_client else None
