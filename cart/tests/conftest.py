from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from cart.models import Cart, CartLine, Order
from catalog.models import ProductVariant
from catalog.tests.factories import ProductVariantFactory


@pytest.fixture
def variant() -> ProductVariant:
    return ProductVariantFactory(price=Decimal("25.00"), stock=10)


@pytest.fixture
def user():
    return UserFactory()


@pytest.fixture
def snapshot():
    """What a refused request must leave untouched: every cart line, order and stock level."""

    def take() -> dict:
        return {
            "carts": sorted(Cart.objects.values_list("pk", "user_id")),
            "lines": sorted(CartLine.objects.values_list("cart_id", "variant_id", "quantity")),
            "orders": sorted(Order.objects.values_list("pk", flat=True)),
            "stock": sorted(ProductVariant.objects.values_list("pk", "stock")),
        }

    return take
