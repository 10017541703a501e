"""Cancelling under concurrency, on PostgreSQL: the order row lock returns the stock once."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from cart.fulfilment import cancel_order
from cart.models import Order
from cart.tests.factories import OrderLineFactory
from catalog.tests.factories import ProductVariantFactory

pytestmark = pytest.mark.stack


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_cancellations_return_the_stock_once():
    line = OrderLineFactory(variant=ProductVariantFactory(stock=4), quantity=3)
    barrier = threading.Barrier(10)

    def cancel(_: int) -> str:
        try:
            barrier.wait()
            return cancel_order(order=Order.objects.get(pk=line.order_id)).status
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(cancel, range(10)))

    assert statuses == [Order.Status.CANCELLED] * 10
    line.variant.refresh_from_db()
    assert line.variant.stock == 7
