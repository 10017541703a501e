"""Checkout under concurrency, on PostgreSQL: row locks are what keep stock and orders right."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from cart import services
from cart.models import Order
from cart.tests.factories import CartLineFactory, checkout_data
from catalog.tests.factories import ProductVariantFactory

pytestmark = pytest.mark.stack


def post_together(posts: list[tuple[Client, dict]]) -> list[int]:
    """POST each (client, data) to checkout from its own thread (and connection), all at once."""
    barrier = threading.Barrier(len(posts))

    def post(client: Client, data: dict) -> int:
        try:
            barrier.wait()
            return client.post(reverse("cart:checkout"), data).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(posts)) as pool:
        return list(pool.map(post, *zip(*posts, strict=True)))


def logged_in_client_with(variant, quantity: int = 1) -> Client:
    line = CartLineFactory(variant=variant, quantity=quantity, cart__user=UserFactory())
    client = Client()
    client.force_login(line.cart.user)
    return client


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_checkouts_of_five_in_stock_make_exactly_five_orders():
    variant = ProductVariantFactory(stock=5)
    clients = [logged_in_client_with(variant) for _ in range(20)]

    # The test client re-raises any exception a view lets out, so a 500 fails the test here.
    statuses = post_together([(client, checkout_data()) for client in clients])

    assert sorted(statuses) == [302] * 5 + [409] * 15
    assert Order.objects.count() == 5
    variant.refresh_from_db()
    assert variant.stock == 0


@pytest.mark.django_db(transaction=True)
def test_a_simultaneous_double_submit_makes_one_order():
    variant = ProductVariantFactory(stock=5)
    client = logged_in_client_with(variant, quantity=2)
    same_browser = Client()
    same_browser.cookies = client.cookies
    data = checkout_data()

    statuses = post_together([(client, data), (same_browser, data)])

    assert statuses == [302, 302]
    assert Order.objects.count() == 1
    variant.refresh_from_db()
    assert variant.stock == 3


@pytest.mark.django_db
def test_place_order_locks_only_the_variant_rows_in_primary_key_order():
    line = CartLineFactory(variant=ProductVariantFactory(stock=5))
    CartLineFactory(cart=line.cart, variant=ProductVariantFactory(stock=5))
    with CaptureQueriesContext(connection) as queries:
        services.place_order(
            cart=line.cart,
            user=line.cart.user,
            shipping={"full_name": "A", "email": "a@example.com"},
            checkout_token=uuid.uuid4(),
        )
    [lock] = [q["sql"] for q in queries if 'FOR UPDATE OF "catalog_productvariant"' in q["sql"]]
    assert 'ORDER BY "catalog_productvariant"."id" ASC' in lock
    assert 'INNER JOIN "catalog_product"' in lock
