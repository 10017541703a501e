"""The multi-level cache against the stack's real Redis."""

import threading
import time

import pytest

from perf.cache import data_cache, generations
from perf.cache.generations import PREFIX

pytestmark = pytest.mark.stack


def test_the_shared_level_is_redis():
    assert type(data_cache().shared.backend).__module__.startswith("django_redis")


def test_concurrent_invalidations_are_never_lost():
    counters = generations()
    counters.bump_now("catalog")  # a counter exists once bumped, or stored under
    before = counters.read(["catalog"])["catalog"]

    def bump_ten_times():
        for _ in range(10):
            counters.bump_now("catalog")

    threads = [threading.Thread(target=bump_ten_times) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert counters.read(["catalog"])["catalog"] == before + 200


def page(slug):
    return [f"product-page:{slug}"]


def test_reading_a_namespace_writes_nothing_and_storing_creates_a_counter_that_expires():
    backend = data_cache().shared.backend

    data_cache().get_many({"product:junk": "junk"}, lambda slugs: {}, namespaces=page)
    assert backend.keys("*junk*") == []

    data_cache().get_many({"product:real": "real"}, lambda slugs: {"real": 1}, namespaces=page)
    assert 0 < backend.ttl(PREFIX + "product-page:real") <= 24 * 3600


def test_a_generation_lost_with_redis_data_never_comes_back_lower():
    counters = generations()
    old = counters.read(["catalog"])["catalog"]
    counters.bump_now("catalog")
    data_cache().shared.backend.delete(PREFIX + "catalog")  # what a Redis restart does

    assert counters.read(["catalog"])["catalog"] > old + 1


def test_values_reach_other_processes_through_redis():
    compute_calls = []

    def compute(ids):
        compute_calls.append(ids)
        return {pk: f"product {pk}" for pk in ids}

    keys = {f"product:{n}": n for n in range(30)}
    data_cache().get_many(keys, compute, namespaces=lambda n: [f"product:{n}"])
    data_cache().clear_local()  # another process: same Redis, empty L1

    found = data_cache().get_many(keys, compute, namespaces=lambda n: [f"product:{n}"])
    assert found["product:7"] == "product 7"
    assert len(compute_calls) == 1
    assert data_cache().metrics.snapshot()["l2_hits"] == 30


def test_redis_stopped_mid_test_falls_back_to_the_source_with_a_counted_warning(
    stack, settings, caplog
):
    settings.PERF = {**settings.PERF, "L2_RETRY_AFTER": 0.5}
    cache = data_cache()
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cache.get_or_set("tree", compute, namespaces=["catalog"]) == 1
    stack.stop_redis()

    assert cache.get_or_set("tree", compute, namespaces=["catalog"]) == 2
    found = cache.get_many({"p": "p"}, lambda _: {"p": "from the DB"}, namespaces=lambda _: ["c"])
    assert found == {"p": "from the DB"}
    assert cache.metrics.snapshot()["bypasses"] == 2
    assert cache.shared.errors >= 1
    assert any("unavailable" in r.getMessage() for r in caplog.records if r.levelname == "WARNING")

    stack.start_redis()
    time.sleep(0.6)
    assert cache.get_or_set("tree", compute, namespaces=["catalog"]) == 3  # Redis came back empty
    assert cache.get_or_set("tree", compute, namespaces=["catalog"]) == 3
