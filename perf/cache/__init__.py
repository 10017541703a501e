"""
A multi-level data cache: an in-process L1 over a shared L2 (Redis) over the database.

The shop reads data objects through ``data_cache()`` and the two-pass views keep their pages in
``page_cache()``; both share one L2 alias, its circuit breaker and its generation counters, so
``invalidate("catalog:product:42")`` retires every entry, data or page, that depends on it.
Options come from ``perf.conf``; ``docs/multi-level-cache.md`` explains the design.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from django.core.signals import setting_changed
from django.dispatch import receiver

from perf.cache.breaker import reset_server_breakers
from perf.cache.generations import Generations
from perf.cache.local import LocalCache
from perf.cache.multilevel import MultiLevelCache
from perf.cache.process import ProcessCache
from perf.cache.shapes import shape
from perf.cache.shared import CacheUnavailable, SharedCache
from perf.conf import get_config

__all__ = [
    "CacheUnavailable",
    "MultiLevelCache",
    "all_caches",
    "data_cache",
    "data_cache_off",
    "forget",
    "generations",
    "invalidate",
    "page_cache",
    "process_page_cache",
    "reset_caches",
    "shape",
]


@cache
def shared_cache() -> SharedCache:
    config = get_config()
    return SharedCache(config["CACHE_ALIAS"], retry_after=config["L2_RETRY_AFTER"])


@cache
def generations() -> Generations:
    return Generations(shared_cache(), tracking=get_config()["GENERATION_TRACKING"])


def _build(
    name: str,
    *,
    enabled: bool,
    ttl: float,
    l1_max_entries: int,
    kind: type[MultiLevelCache] = MultiLevelCache,
) -> MultiLevelCache:
    config = get_config()
    return kind(
        name,
        local=LocalCache(max_entries=l1_max_entries, ttl=config["L1_TTL"]),
        shared=shared_cache(),
        generations=generations(),
        ttl=ttl,
        stale_ttl=config["STALE_TTL"],
        lock_timeout=config["LOCK_TIMEOUT"],
        lock_wait=config["LOCK_WAIT"],
        down_ttl=config["L2_DOWN_TTL"],
        enabled=enabled,
    )


@cache
def data_cache() -> MultiLevelCache:
    """Data objects that every page reuses (products, the category tree...)."""
    config = get_config()
    return _build(
        "data",
        enabled=config["DATA_CACHE"],
        ttl=config["DATA_TTL"],
        l1_max_entries=config["L1_MAX_ENTRIES"],
    )


@contextmanager
def data_cache_off() -> Iterator[None]:
    """Inside, every read through ``data_cache()`` computes from the database and stores nothing
    (the naive rebuild that the benchmark compares with); the cache keeps what it held."""
    cache = data_cache()
    enabled, cache.enabled = cache.enabled, False
    try:
        yield
    finally:
        cache.enabled = enabled


@cache
def page_cache() -> MultiLevelCache:
    """Pass-one HTML of the two-pass views."""
    return _pages("page")


@cache
def process_page_cache() -> MultiLevelCache:
    """Pass-one HTML of the two-pass views whose pages stay in each process (``shared_pages =
    False``: search results), never in Redis (see ``process``)."""
    return _pages("process-page", kind=ProcessCache)


def _pages(name: str, *, kind: type[MultiLevelCache] = MultiLevelCache) -> MultiLevelCache:
    config = get_config()
    return _build(
        name,
        enabled=config["PAGE_CACHE"],
        ttl=config["PAGE_TTL"],
        l1_max_entries=config["PAGE_L1_MAX_ENTRIES"],
        kind=kind,
    )


def all_caches() -> list[MultiLevelCache]:
    return [data_cache(), page_cache(), process_page_cache()]


def invalidate(*namespaces: str, using: str | None = None) -> None:
    """Bump ``namespaces`` after the current transaction on ``using`` commits (at once outside)."""
    generations().bump(*namespaces, using=using)


def forget(*namespaces: str, using: str | None = None) -> None:
    """Retire the namespaces of objects that are gone, after commit (see ``Generations.forget``)."""
    generations().forget(*namespaces, using=using)


def reset_caches() -> None:
    """Forget the cache objects (their L1, metrics and circuit breakers); the next call rebuilds."""
    if generations.cache_info().currsize:
        generations().tracker.close()
    for factory in (shared_cache, generations, data_cache, page_cache, process_page_cache):
        factory.cache_clear()
    reset_server_breakers()


@receiver(setting_changed)
def _reset_on_setting_change(*, setting: str, **kwargs) -> None:
    if setting in {"PERF", "CACHES"}:
        reset_caches()
