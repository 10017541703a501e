"""While L2 is down, values are kept in the process for L2_DOWN_TTL seconds (``perf.cache.down``):
dropped by this process's invalidations, by those of other processes found in the outbox, and as
soon as L2 answers again."""

import pytest
from django.db import transaction

from perf.cache import outbox
from perf.cache.shared import SharedCache
from perf.tests.cache.computes import Counter, in_ns, named


@pytest.fixture
def down_cache(make_cache, l2_alias):
    """A cache whose L2 is skipped (its breaker open) and that keeps values 60 s meanwhile."""
    shared = SharedCache(l2_alias, retry_after=60)
    cache = make_cache(shared=shared, down_ttl=60)
    shared.breaker.failed(ConnectionError("refused"))
    return cache


def test_while_l2_is_down_a_value_is_computed_once_then_kept_in_the_process(down_cache):
    compute = Counter()

    assert down_cache.get_or_set("k", compute, namespaces=["ns"]) == "value@1"
    assert down_cache.get_or_set("k", compute, namespaces=["ns"]) == "value@1"
    assert down_cache.get_many(named("a", "b"), compute.many, namespaces=in_ns) == {
        "a": "a@2",
        "b": "b@2",
    }
    assert down_cache.get_many(named("a", "c"), compute.many, namespaces=in_ns) == {
        "a": "a@2",
        "c": "c@3",
    }

    counts = down_cache.metrics.snapshot()
    assert (counts["down_hits"], counts["bypasses"]) == (2, 4)
    assert len(down_cache.local) == 0  # L1 holds nothing without the generations


@pytest.mark.django_db  # the invalidation Redis could not take waits in the outbox
def test_an_invalidation_in_this_process_drops_what_depends_on_it(down_cache):
    compute = Counter()
    down_cache.get_or_set("k", compute, namespaces=["catalog:product:1"])
    down_cache.get_or_set("other", compute, namespaces=["catalog:product:2"])

    down_cache.generations.bump_now("catalog:product:1")

    assert down_cache.get_or_set("k", compute, namespaces=["catalog:product:1"]) == "value@3"
    assert down_cache.get_or_set("other", compute, namespaces=["catalog:product:2"]) == "value@2"


def test_everything_kept_is_dropped_when_l2_answers_again(down_cache):
    compute = Counter()
    down_cache.get_or_set("k", compute)

    down_cache.shared.breaker.retry_after = 0
    down_cache.shared.breaker.failed(ConnectionError("refused"))

    assert down_cache.get_or_set("k", compute) == "value@2"
    assert len(down_cache.down) == 0


@pytest.mark.django_db(transaction=True)
def test_nothing_computed_inside_a_transaction_is_kept(down_cache):
    compute = Counter()
    with transaction.atomic():
        down_cache.get_or_set("k", compute)

    assert down_cache.get_or_set("k", compute) == "value@2"


def test_a_down_ttl_of_zero_keeps_nothing(make_cache, l2_alias):
    shared = SharedCache(l2_alias, retry_after=60)
    cache = make_cache(shared=shared)
    shared.breaker.failed(ConnectionError("refused"))
    compute = Counter()

    cache.get_or_set("k", compute)

    assert cache.get_or_set("k", compute) == "value@2"


@pytest.mark.django_db
def test_a_change_another_process_wrote_to_the_outbox_drops_what_depends_on_it(
    down_cache, settings
):
    settings.PERF = {**settings.PERF, "OUTBOX_DRAIN_INTERVAL": 0}
    compute = Counter()
    down_cache.get_or_set("k", compute, namespaces=["catalog:product:1"])
    down_cache.get_or_set("other", compute, namespaces=["catalog:product:2"])

    # Another process's change, committed while Redis was down: its invalidation waits there.
    outbox.record(["catalog:product:1"], using=None)

    assert down_cache.get_or_set("k", compute, namespaces=["catalog:product:1"]) == "value@3"
    assert down_cache.get_or_set("other", compute, namespaces=["catalog:product:2"]) == "value@2"
