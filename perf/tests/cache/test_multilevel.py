import threading
import time

import pytest
from django.db import transaction

from perf.cache import entry as entry_module
from perf.cache import multilevel
from perf.cache.entry import Entry
from perf.cache.shared import SharedCache
from perf.db.routing import reads_primary, routing_scope
from perf.tests.cache.computes import Counter, in_ns, named


def test_value_is_computed_once_then_served_from_l1(make_cache):
    cache = make_cache()
    compute = Counter()

    assert cache.get_or_set("k", compute) == "value@1"
    assert cache.get_or_set("k", compute) == "value@1"

    assert compute.calls == 1
    assert cache.metrics.snapshot()["l1_hits"] == 1


def test_another_process_reads_the_value_from_l2(make_cache):
    first, second = make_cache(), make_cache()
    first.shared = second.shared = SharedCache(first.shared.alias, retry_after=5)
    compute = Counter()

    first.get_or_set("k", compute)
    assert second.get_or_set("k", compute) == "value@1"

    assert compute.calls == 1
    assert second.metrics.snapshot()["l2_hits"] == 1


def test_invalidating_a_namespace_reaches_the_l1_of_every_process(make_cache):
    first, second = make_cache(), make_cache()
    compute = Counter()
    second.get_or_set("k", compute, namespaces=["product:1"])
    assert second.get_or_set("k", compute, namespaces=["product:1"]) == "value@1"

    first.generations.bump_now("product:1")

    assert second.get_or_set("k", compute, namespaces=["product:1"]) == "value@2"


def test_invalidating_one_namespace_keeps_the_others(make_cache):
    cache = make_cache()
    compute = Counter()
    cache.get_or_set("a", compute, namespaces=["product:1"])
    cache.get_or_set("b", compute, namespaces=["product:2"])

    cache.generations.bump_now("product:1")

    assert cache.get_or_set("a", compute, namespaces=["product:1"]) == "value@3"
    assert cache.get_or_set("b", compute, namespaces=["product:2"]) == "value@2"


def test_expired_value_is_served_stale_while_another_process_recomputes(make_cache, monkeypatch):
    cache = make_cache(ttl=10)
    compute = Counter()
    cache.get_or_set("k", compute)
    later = time.time() + 11
    monkeypatch.setattr(multilevel.time, "time", lambda: later)
    full_key = cache._full_key("k", [], {})
    assert cache.shared.add(f"{full_key}:lock", "other-process", 5)

    assert cache.get_or_set("k", compute) == "value@1"

    assert compute.calls == 1
    assert cache.metrics.snapshot()["stale_serves"] == 1


def test_expired_value_is_recomputed_by_the_process_that_takes_the_lock(make_cache, monkeypatch):
    cache = make_cache(ttl=10)
    compute = Counter()
    cache.get_or_set("k", compute)
    later = time.time() + 11
    monkeypatch.setattr(multilevel.time, "time", lambda: later)

    assert cache.get_or_set("k", compute) == "value@2"
    assert cache.shared.get(cache._full_key("k", [], {}) + ":lock") is None


def test_cold_key_under_a_herd_is_computed_once(make_cache):
    processes = [make_cache() for _ in range(8)]
    compute = Counter(delay=0.2)
    results = []

    def request(cache):
        results.append(cache.get_or_set("k", compute))

    threads = [threading.Thread(target=request, args=(cache,)) for cache in processes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert compute.calls == 1
    assert results == ["value@1"] * 8
    assert sum(cache.metrics.snapshot()["lock_waits"] for cache in processes) == 7


def test_waiting_for_a_lock_is_bounded_then_the_waiter_computes(make_cache):
    cache = make_cache(lock_wait=0.3)
    full_key = cache._full_key("k", [], {})
    cache.shared.add(f"{full_key}:lock", "crashed-process", 60)
    started = time.monotonic()

    assert cache.get_or_set("k", Counter()) == "value@1"

    assert 0.3 <= time.monotonic() - started < 1.5


def test_a_lock_expires_after_lock_timeout(make_cache):
    cache = make_cache(lock_timeout=0.2, lock_wait=0)
    assert cache.locks.acquire("k") is not None
    assert cache.locks.acquire("k") is None
    time.sleep(0.3)
    assert cache.locks.acquire("k") is not None


def test_a_value_is_refreshed_early_only_close_to_its_expiry(monkeypatch):
    entry = Entry("v", fresh_until=100.0, compute_seconds=1.0)
    monkeypatch.setattr(entry_module.random, "random", lambda: 0.5)  # early by 0.69 s

    assert not entry.is_due(now=90.0)
    assert entry.is_due(now=99.5)
    assert entry.is_due(now=100.0)


def test_a_value_computed_across_an_invalidation_is_not_stored(make_cache):
    cache = make_cache()

    def compute_during_an_admin_edit():
        cache.generations.bump_now("catalog")
        return "old data"

    assert cache.get_or_set("k", compute_during_an_admin_edit, namespaces=["catalog"]) == "old data"
    assert cache.metrics.snapshot()["discarded_sets"] == 1
    assert cache.get_or_set("k", Counter(), namespaces=["catalog"]) == "value@1"


@pytest.mark.django_db
def test_nothing_is_stored_from_inside_a_transaction(make_cache):
    cache = make_cache()
    compute = Counter()
    with transaction.atomic():
        cache.get_or_set("k", compute)

    assert cache.get_or_set("k", compute) == "value@2"


@pytest.mark.django_db
def test_invalidation_waits_for_the_commit(make_cache, django_capture_on_commit_callbacks):
    cache = make_cache()
    compute = Counter()
    cache.get_or_set("k", compute, namespaces=["catalog"])

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        cache.generations.bump("catalog")
        assert cache.get_or_set("k", compute, namespaces=["catalog"]) == "value@1"

    assert cache.get_or_set("k", compute, namespaces=["catalog"]) == "value@2"


def test_a_disabled_cache_always_computes(make_cache):
    cache = make_cache(enabled=False)
    compute = Counter()
    cache.get_or_set("k", compute)
    cache.get_many(named("a"), compute.many, namespaces=lambda _: [])

    assert cache.get_or_set("k", compute) == "value@3"


def test_l2_down_reads_the_source_with_one_counted_warning(make_cache, dead_redis_alias, caplog):
    cache = make_cache(shared=SharedCache(dead_redis_alias, retry_after=60))
    compute = Counter()

    assert cache.get_or_set("k", compute) == "value@1"
    assert cache.get_many(named("a"), compute.many, namespaces=in_ns) == {"a": "a@2"}
    assert cache.get_or_set("k", compute) == "value@3"

    assert cache.metrics.snapshot()["bypasses"] == 3
    assert cache.shared.errors == 1  # the breaker skipped the next calls
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1
    assert "unavailable" in warnings[0].getMessage()


def test_l2_is_tried_again_after_retry_after(make_cache, l2_alias):
    shared = SharedCache(l2_alias, retry_after=0.1)
    cache = make_cache(shared=shared)
    shared.breaker.failed(ConnectionError("refused"))
    compute = Counter()
    assert cache.get_or_set("k", compute) == "value@1"

    time.sleep(0.15)
    cache.get_or_set("k", compute)

    assert cache.get_or_set("k", compute) == "value@2"
    assert compute.calls == 2


@pytest.mark.django_db
def test_a_failed_invalidation_is_applied_from_the_outbox_before_the_next_read(
    make_cache, l2_alias, settings
):
    settings.PERF = {**settings.PERF, "OUTBOX_DRAIN_INTERVAL": 0}
    shared = SharedCache(l2_alias, retry_after=0.1)
    cache = make_cache(shared=shared)
    compute = Counter()
    cache.get_or_set("k", compute, namespaces=["catalog"])
    shared.breaker.failed(ConnectionError("refused"))

    cache.generations.bump_now("catalog")
    time.sleep(0.15)

    assert cache.get_or_set("k", compute, namespaces=["catalog"]) == "value@2"


def test_a_snapshot_reads_each_generation_once_but_stores_check_fresh_ones(make_cache):
    cache = make_cache()
    compute = Counter()
    calls = []
    current = cache.generations._current
    cache.generations._current = lambda namespaces, **kw: (
        calls.append(kw) or current(namespaces, **kw)
    )

    with cache.generations.snapshot():
        cache.get_or_set("a", compute, namespaces=["ns"])
        cache.generations.bump_now("ns")
        assert cache.get_or_set("b", compute, namespaces=["ns"]) == "value@2"

    assert cache.metrics.snapshot()["discarded_sets"] == 1  # "b" was made under the old one
    assert cache.get_or_set("a", compute, namespaces=["ns"]) == "value@3"
    # Redis is asked: a, store a; (b from the snapshot) store b; a again, store a.
    assert [kw["fresh"] for kw in calls] == [False, True, True, False, True]


@pytest.fixture
def with_replicas(settings):
    catch_up = {"MAX_LAG_SECONDS": 0.2, "LAG_CHECK_INTERVAL": 0.1}
    settings.PERF = {**settings.PERF, "REPLICAS": ["replica1"], **catch_up}


def recorded_routing(calls):
    def compute():
        calls.append(reads_primary())
        return "value"

    return compute


@pytest.mark.usefixtures("with_replicas")
def test_recompute_reads_the_primary_while_replicas_may_lag_behind_the_bump(make_cache):
    cache = make_cache()
    calls = []

    with routing_scope(inherit=False):  # unpinned, as at the start of a request
        cache.get_or_set("k", recorded_routing(calls), namespaces=["product:1"])
        cache.generations.bump_now("product:1")
        cache.get_or_set("k", recorded_routing(calls), namespaces=["product:1"])
        time.sleep(0.35)  # longer than MAX_LAG_SECONDS + LAG_CHECK_INTERVAL
        cache.generations.bump_now("product:2")
        cache.get_or_set("k2", recorded_routing(calls), namespaces=["product:1"])

    assert calls == [False, True, False]
