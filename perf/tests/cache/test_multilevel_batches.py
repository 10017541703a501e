"""``get_many``, ``peek_many`` and ``refresh_many``: many values, each key with its item."""

from perf.cache.local import LocalCache
from perf.cache.shared import SharedCache
from perf.tests.cache.computes import Counter, in_ns, named


def test_get_many_computes_only_what_is_missing_in_one_call(make_cache):
    cache = make_cache()
    compute = Counter()
    cache.get_many(named("a", "b"), compute.many, namespaces=in_ns)

    values = cache.get_many(named("a", "b", "c", "gone"), compute.many, namespaces=in_ns)

    assert values == {"a": "a@1", "b": "b@1", "c": "c@2"}
    assert compute.calls == 2


def test_get_many_costs_a_fixed_number_of_round_trips(make_cache):
    calls = []

    class CountingShared(SharedCache):
        def _call(self, method, *args):
            calls.append(method)
            return super()._call(method, *args)

    cache = make_cache(
        shared=CountingShared("perf-tests", retry_after=5), local=LocalCache(max_entries=0, ttl=0)
    )
    keys = {f"product:{n}": n for n in range(50)}
    cache.get_many(keys, Counter().many, namespaces=lambda n: [f"product:{n}"])
    calls.clear()

    cache.get_many(keys, Counter().many, namespaces=lambda n: [f"product:{n}"])

    assert calls == ["get_many", "get_many"]  # the generations, then the values


def test_peek_returns_what_is_cached_and_computes_nothing(make_cache):
    cache = make_cache()
    cache.get_many(named("a"), Counter().many, namespaces=in_ns)

    assert cache.peek_many(named("a", "b"), namespaces=in_ns) == {"a": "a@1"}
    cache.generations.bump_now("ns")
    assert cache.peek_many(named("a"), namespaces=in_ns) == {}


def test_refresh_recomputes_and_stores_whatever_is_cached(make_cache):
    cache = make_cache()
    compute = Counter()
    cache.get_many(named("a"), compute.many, namespaces=in_ns)

    assert cache.refresh_many(named("a", "b"), compute.many, namespaces=in_ns) == {
        "a": "a@2",
        "b": "b@2",
    }
    assert cache.get_many(named("a", "b"), compute.many, namespaces=in_ns) == {
        "a": "a@2",
        "b": "b@2",
    }
    assert compute.calls == 2
