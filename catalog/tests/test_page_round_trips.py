"""
What a hit on a cached catalog page costs: its generations and its holes' read together, in one
round trip at most, none when the process remembers them.
"""

import pytest
from django.test import Client
from django.urls import reverse

from cart.cache import cart_namespace, user_cart_namespace
from cart.models import Cart
from catalog import cache
from catalog.tests.visitors import shopper, variant
from perf.cache import page_cache
from perf.cache.generations import PREFIX
from perf.twopass import ALL_PAGES

pytestmark = pytest.mark.django_db


@pytest.fixture
def untracked(settings):
    """Generations read from Redis on every lookup, as a shared level without tracking does."""
    settings.PERF = {**settings.PERF, "GENERATION_TRACKING": False}


@pytest.fixture
def generation_reads(monkeypatch):
    """The generation reads that go to Redis, each a list of namespaces."""
    reads = []
    generations = page_cache().generations
    read = generations.shared.get_many

    def counted(keys):
        found = read(keys)
        wanted = [key.removeprefix(PREFIX) for key in keys if key.startswith(PREFIX)]
        if wanted:
            reads.append(wanted)
        return found

    monkeypatch.setattr(generations.shared, "get_many", counted)
    return reads


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_a_hit_reads_its_generations_and_its_holes_in_one_round_trip(
    shop, signed_in, untracked, generation_reads
):
    """The page's namespaces and those its holes will read (the visitor, their cart, their
    recently viewed products' details) are read together. What the first reads tell comes after:
    the recently viewed products' cards (their ids come from the details) and a signed-in
    visitor's cart (its id comes from the user's)."""
    visitor, linen = visitor_back_on_linen(shop, signed_in=signed_in)
    generation_reads.clear()

    response = visitor.get(linen)

    assert response["X-Cache"] == "hit"
    assert "Flannel Shirt" in response.text  # recently viewed
    cart = Cart.objects.get()
    first, *then = generation_reads
    assert set(first) >= {
        ALL_PAGES,
        cache.page_namespace(shop["linen"].slug),
        cache.page_namespace(shop["flannel"].slug),
        user_cart_namespace(cart.user_id) if signed_in else cart_namespace(cart.pk),
    }
    assert sorted(then) == sorted(
        [[cache.card_namespace(shop["flannel"].pk)]]
        + ([[cart_namespace(cart.pk), cache.LISTINGS]] if signed_in else [])
    )


@pytest.mark.stack
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_a_hit_on_tracked_generations_asks_redis_for_none(shop, signed_in, generation_reads):
    """With Redis reporting changes to the process, the generations a hit needs were all
    remembered by the requests before it; a change to one of them still shows at once."""
    visitor, linen = visitor_back_on_linen(shop, signed_in=signed_in)
    visitor.get(linen)  # remembers the counters the first requests created (a change each)
    generation_reads.clear()

    response = visitor.get(linen)

    assert response["X-Cache"] == "hit"
    assert "Flannel Shirt" in response.text
    assert generation_reads == []

    shop["flannel"].variants.update(price="54.32")
    page_cache().generations.shared.incr(PREFIX + cache.card_namespace(shop["flannel"].pk))

    assert "$54.32" in visitor.get(linen).text
    assert {ns for read in generation_reads for ns in read} == {
        cache.card_namespace(shop["flannel"].pk)
    }


def visitor_back_on_linen(shop, *, signed_in: bool) -> tuple[Client, str]:
    """A visitor with a flannel shirt in the cart who saw it, then the linen shirt; and the
    linen shirt's page, which a request of theirs has cached."""
    visitor = shopper("Robin", variant(shop["flannel"]), 1) if signed_in else Client()
    if not signed_in:
        visitor.post(reverse("cart:add"), {"variant": variant(shop["flannel"]).pk, "quantity": 1})
    linen = reverse("catalog:product", args=[shop["linen"].slug])
    visitor.get(reverse("catalog:product", args=[shop["flannel"].slug]))
    visitor.get(linen)
    return visitor, linen
