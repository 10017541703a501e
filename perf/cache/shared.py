"""
The shared level (L2): a Django cache, django-redis in production, that fails soft.

When Redis is down or stalls, every call raises ``CacheUnavailable`` after counting the error and
logging one warning; the multi-level cache then reads from the database. For ``retry_after``
seconds after an error the level is not even tried, so a dead Redis costs no connection timeout per
request, only a database read.
"""

import logging
import threading
import time
from typing import Any

from django.core.cache import BaseCache, caches

logger = logging.getLogger(__name__)


def _backend_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [ConnectionError, TimeoutError]
    try:
        from redis.exceptions import RedisError
    except ImportError:  # a project on memcached or the database cache
        pass
    else:
        errors.append(RedisError)
    try:
        from django_redis.exceptions import ConnectionInterrupted
    except ImportError:
        pass
    else:
        errors.append(ConnectionInterrupted)
    return tuple(errors)


BACKEND_ERRORS = _backend_errors()


class CacheUnavailable(Exception):
    """The shared level cannot be used right now; read from the source of truth."""


class SharedCache:
    """A Django cache alias with a circuit breaker and an error counter."""

    def __init__(self, alias: str, *, retry_after: float) -> None:
        self.alias = alias
        self.retry_after = retry_after
        self.errors = 0
        self._down_until = 0.0
        self._lock = threading.Lock()

    @property
    def backend(self) -> BaseCache:
        return caches[self.alias]

    @property
    def is_down(self) -> bool:
        return time.monotonic() < self._down_until

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        return self._call("get_many", keys) if keys else {}

    def get(self, key: str) -> Any:
        return self._call("get", key)

    def set_many(self, values: dict[str, Any], timeout: float | None) -> None:
        if values:
            self._call("set_many", values, timeout)

    def add(self, key: str, value: Any, timeout: float | None) -> bool:
        return self._call("add", key, value, timeout)

    def incr(self, key: str) -> int:
        return self._call("incr", key)

    def delete(self, key: str) -> None:
        self._call("delete", key)

    def _call(self, method: str, *args: Any) -> Any:
        if self.is_down:
            raise CacheUnavailable(f"cache {self.alias!r} is skipped after an error")
        try:
            return getattr(self.backend, method)(*args)
        except BACKEND_ERRORS as exc:
            self._trip(exc)
            raise CacheUnavailable(f"cache {self.alias!r}: {exc}") from exc

    def _trip(self, exc: BaseException) -> None:
        with self._lock:
            self.errors += 1
            first = not self.is_down
            self._down_until = time.monotonic() + self.retry_after
        if first:
            logger.warning(
                "Cache %r unavailable (%s: %s); reading from the database for %ss",
                self.alias,
                type(exc).__name__,
                exc,
                self.retry_after,
            )
