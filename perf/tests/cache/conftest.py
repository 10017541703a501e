import pytest
from django.core.cache import caches

from perf.cache.generations import Generations
from perf.cache.local import LocalCache
from perf.cache.multilevel import MultiLevelCache
from perf.cache.shared import SharedCache

LOCMEM = "django.core.cache.backends.locmem.LocMemCache"


@pytest.fixture
def l2_alias(settings):
    """A local-memory L2 of its own, so these tests run the same on SQLite and on the stack."""
    settings.CACHES = {**settings.CACHES, "perf-tests": {"BACKEND": LOCMEM, "LOCATION": "perf"}}
    caches["perf-tests"].clear()
    return "perf-tests"


@pytest.fixture
def make_cache(l2_alias):
    """Build a MultiLevelCache; caches built on one SharedCache act like processes of one site."""

    def build(shared=None, **options):
        shared = shared or SharedCache(l2_alias, retry_after=5)
        defaults = {
            "ttl": 60,
            "stale_ttl": 60,
            "lock_timeout": 5,
            "lock_wait": 0.5,
            "local": LocalCache(max_entries=100, ttl=30),
        }
        return MultiLevelCache(
            "test", shared=shared, generations=Generations(shared), **{**defaults, **options}
        )

    return build
