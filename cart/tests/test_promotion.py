"""
Checkout across a promotion, on the session's stack: the shop finds the new primary through its
multi-host DATABASE_URL without a restart, and the checkout token keeps every order exactly once.
"""

import time

import pytest
from django.db import connections
from django.urls import reverse

from cart.models import Cart, Order
from cart.tests.factories import CartLineFactory, checkout_data
from cart.tests.test_checkout_postgres import logged_in_client_with
from catalog.tests.factories import ProductVariantFactory
from stack.promotion import promote, rejoin, switch_over

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def first_roles_back(stack):
    """Whatever the test promoted, the first primary is primary again afterwards, with both
    replicas streaming from it, so the tests after this one find the stack as it was."""
    first = stack.primary
    yield
    for node in stack.nodes:
        if node.fenced:
            rejoin(stack, node)
    if stack.primary is not first:
        switch_over(stack, first)
    connections.close_all()


def test_a_checkout_that_failed_with_the_primary_places_one_order_once_a_replica_is_promoted(
    stack, first_roles_back, settings
):
    # Writes wait out the read-only mode's cooldown (perf.db.readonly) after the primary failed.
    settings.PERF = {**settings.PERF, "FAILOVER_COOLDOWN": 0.5}
    variant = ProductVariantFactory(stock=5)
    client = logged_in_client_with(variant)
    client.raise_request_exception = False
    url = reverse("cart:checkout")
    before = checkout_data()
    placed_before = client.post(url, before)
    assert placed_before.status_code == 302
    CartLineFactory(cart=Cart.objects.get(), variant=variant)
    in_flight = checkout_data()
    # Asynchronous replication: what the primary committed last may not have reached a replica
    # when it dies. Here it has; docs/chaos.md says how Patroni's synchronous mode ensures it.
    stack.wait_for_replication()

    stack.primary.stop(mode="immediate")
    refused = client.post(url, in_flight)
    promote(stack, stack.replica(1))
    connections.close_all()
    time.sleep(0.5)
    placed = client.post(url, in_flight)
    again = client.post(url, in_flight)

    # The read-only mode's 503; never an order.
    assert refused.status_code == 503
    assert placed.status_code == again.status_code == 302
    assert placed["Location"] == again["Location"], "the same form finds the same order"
    assert client.post(url, before)["Location"] == placed_before["Location"], "nothing lost"
    assert Order.objects.count() == 2
    variant.refresh_from_db()
    assert variant.stock == 3
