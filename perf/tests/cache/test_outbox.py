"""Invalidations outlive a Redis blip in the process that made them (perf/cache/outbox.py), on the
stack's real Redis and database."""

import pytest
from django.db import transaction

from perf.cache import generations
from perf.cache.generations import Generations
from perf.cache.shared import SharedCache
from perf.models import PendingInvalidation

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def web(settings) -> Generations:
    """A process of the site that drains the outbox before every read."""
    settings.PERF = {**settings.PERF, "OUTBOX_DRAIN_INTERVAL": 0}
    process = generations()
    process.bump_now("catalog")  # the counter exists
    return process


@pytest.fixture
def cut_off(settings) -> Generations:
    """A process that alone cannot reach Redis (an admin's shell during a blip)."""
    settings.CACHES = {
        **settings.CACHES,
        "unreachable": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"},
    }
    return Generations(SharedCache("unreachable", retry_after=60))


def test_a_bump_redis_refused_is_applied_by_another_process_after_the_first_exits(web, cut_off):
    before = web.read(["catalog"])["catalog"]

    with transaction.atomic():  # a price changed in the admin
        cut_off.bump("catalog")
    assert list(PendingInvalidation.objects.values_list("namespace", flat=True)) == ["catalog"]
    del cut_off  # the process exits: no retry of its own

    assert web.read(["catalog"])["catalog"] == before + 1
    assert not PendingInvalidation.objects.exists()


def test_a_bump_outside_a_transaction_is_kept_when_redis_refuses_it(web, cut_off):
    cut_off.bump("catalog", "cart:7")

    assert sorted(PendingInvalidation.objects.values_list("namespace", flat=True)) == [
        "cart:7",
        "catalog",
    ]


def test_an_applied_bump_leaves_no_row_and_a_rolled_back_one_bumps_nothing(web):
    before = web.read(["catalog"])["catalog"]
    with transaction.atomic():
        web.bump("catalog")
    applied = web.read(["catalog"])["catalog"]

    written = []

    def change_that_fails():
        with transaction.atomic():
            web.bump("catalog")
            written.append(PendingInvalidation.objects.count())  # with the change
            raise ValueError("rolled back")

    with pytest.raises(ValueError, match="rolled back"):
        change_that_fails()

    assert written == [1]

    assert applied == before + 1
    assert web.read(["catalog"])["catalog"] == applied
    assert not PendingInvalidation.objects.exists()
