import pytest
from django.core.exceptions import ValidationError

from cart.fulfilment import cancel_order, ship_order
from cart.models import Order
from cart.tests.factories import OrderFactory, OrderLineFactory
from catalog.tests.factories import ProductVariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    """A paid order of 2 + 3 units; 10 of each variant left in stock."""
    order = OrderFactory()
    OrderLineFactory(order=order, variant=ProductVariantFactory(stock=10), quantity=2)
    OrderLineFactory(order=order, variant=ProductVariantFactory(stock=10), quantity=3)
    return order


def stock(order: Order) -> list[int]:
    return [line.variant.stock for line in order.lines.select_related("variant") if line.variant]


def test_cancelling_returns_each_lines_units_to_stock(order):
    cancelled = cancel_order(order=order)

    assert cancelled.status == Order.Status.CANCELLED
    assert stock(order) == [12, 13]


def test_cancelling_twice_returns_the_stock_once(order):
    cancel_order(order=order)
    cancel_order(order=order)

    assert stock(order) == [12, 13]


def test_a_line_whose_variant_was_deleted_is_skipped(order):
    order.lines.first().variant.delete()

    cancel_order(order=order)

    assert stock(order) == [13]


def test_a_shipped_order_cannot_be_cancelled_and_keeps_its_stock_taken(order):
    ship_order(order=order)

    with pytest.raises(ValidationError, match="has shipped and can no longer be cancelled"):
        cancel_order(order=order)

    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
    assert stock(order) == [10, 10]


def test_a_cancelled_order_cannot_ship(order):
    cancel_order(order=order)

    with pytest.raises(ValidationError, match="is cancelled and cannot be shipped"):
        ship_order(order=order)


def test_shipping_twice_is_harmless(order):
    ship_order(order=order)

    assert ship_order(order=order).status == Order.Status.SHIPPED
