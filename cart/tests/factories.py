import uuid
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from accounts.tests.factories import UserFactory
from cart.models import Cart, CartLine, Order, OrderLine
from catalog.tests.factories import ProductVariantFactory


class CartFactory(DjangoModelFactory):
    class Meta:
        model = Cart

    user = factory.SubFactory(UserFactory)


class CartLineFactory(DjangoModelFactory):
    class Meta:
        model = CartLine

    cart = factory.SubFactory(CartFactory)
    variant = factory.SubFactory(ProductVariantFactory, stock=50)
    quantity = 1


class OrderFactory(DjangoModelFactory):
    class Meta:
        model = Order

    user = factory.SubFactory(UserFactory)
    checkout_token = factory.LazyFunction(uuid.uuid4)
    email = factory.LazyAttribute(lambda o: o.user.email)
    full_name = factory.Faker("name")
    address = factory.Faker("street_address")
    city = factory.Faker("city")
    postal_code = factory.Faker("postcode")
    country = "United Kingdom"
    total = Decimal("0.00")


class OrderLineFactory(DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    variant = factory.SubFactory(ProductVariantFactory)
    product_name = factory.LazyAttribute(lambda o: o.variant.product.name)
    variant_name = factory.LazyAttribute(lambda o: o.variant.name)
    sku = factory.LazyAttribute(lambda o: o.variant.sku)
    unit_price = factory.LazyAttribute(lambda o: o.variant.price)
    quantity = 1


def checkout_data(**overrides) -> dict:
    """The checkout form filled in as a customer would, with a fresh checkout token."""
    return {
        "full_name": "Ada Lovelace",
        "email": "ada@example.com",
        "address": "12 Analytical Row",
        "city": "London",
        "postal_code": "N1 9GU",
        "country": "United Kingdom",
        "card_number": "4242 4242 4242 4242",
        "checkout_token": str(uuid.uuid4()),
        **overrides,
    }
