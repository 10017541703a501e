from perf.cache import local
from perf.cache.local import LocalCache


def test_least_recently_used_entry_is_evicted_past_max_entries():
    cache = LocalCache(max_entries=2, ttl=60)
    cache.set_many({"a": 1, "b": 2})
    cache.get_many(["a"])
    cache.set_many({"c": 3})

    assert cache.get_many(["a", "b", "c"]) == {"a": 1, "c": 3}


def test_entries_expire_after_ttl(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(local.time, "monotonic", lambda: now[0])
    cache = LocalCache(max_entries=10, ttl=5)
    cache.set_many({"a": 1})

    now[0] += 4.9
    assert cache.get_many(["a"]) == {"a": 1}
    now[0] += 0.2
    assert cache.get_many(["a"]) == {}
    assert len(cache) == 0


def test_zero_max_entries_disables_the_level():
    cache = LocalCache(max_entries=0, ttl=60)
    cache.set_many({"a": 1})

    assert cache.get_many(["a"]) == {}
