from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from cart.models import Cart, CartLine, Order
from cart.tests.factories import CartLineFactory
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


@pytest.fixture
def shopper(client, variant) -> Client:
    """An anonymous visitor with 2 of ``variant`` in the cart."""
    added = client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 2})
    assert added.status_code == 302
    return client


@pytest.fixture
def buyer(client, user, variant) -> Client:
    """A logged-in user with 2 of ``variant`` in the cart."""
    client.force_login(user)
    CartLineFactory(cart__user=user, variant=variant, quantity=2)
    return client
