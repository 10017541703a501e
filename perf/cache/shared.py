"""
The shared level (L2): a Django cache, django-redis in production, that fails soft.

When Redis is down or stalls, every call raises ``CacheUnavailable``; the multi-level cache then
reads from the database. A circuit breaker counts the error, logs one warning and skips the level
for ``retry_after`` seconds, so a dead Redis costs no timeout per request, only a database read.
"""

from functools import partial
from typing import Any

from django.core.cache import BaseCache, caches

from perf.cache.breaker import CircuitBreaker


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
    """A Django cache alias behind a circuit breaker (``perf.cache.breaker``)."""

    def __init__(self, alias: str, *, retry_after: float) -> None:
        self.alias = alias
        self.breaker = CircuitBreaker(f"Cache {alias!r}", retry_after=retry_after)

    @property
    def backend(self) -> BaseCache:
        return caches[self.alias]

    @property
    def is_down(self) -> bool:
        return self.breaker.is_open

    @property
    def errors(self) -> int:
        return self.breaker.errors

    @property
    def retry_after(self) -> float:
        return self.breaker.retry_after

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
        try:
            call = partial(getattr(self.backend, method), *args)
            return self.breaker.call(call, errors=BACKEND_ERRORS, unavailable=CacheUnavailable)
        except BACKEND_ERRORS as exc:
            raise CacheUnavailable(f"cache {self.alias!r}: {exc}") from exc
