import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cart import services
from cart.models import MAX_LINE_QUANTITY, Cart, CartLine, Order
from cart.tests.factories import CartFactory, CartLineFactory, OrderFactory
from catalog.signals import stock_changed
from catalog.tests.factories import ProductVariantFactory

pytestmark = pytest.mark.django_db

SHIPPING = {
    "full_name": "Ada Lovelace",
    "email": "ada@example.com",
    "address": "12 Analytical Row",
    "city": "London",
    "postal_code": "N1 9GU",
    "country": "United Kingdom",
}


def test_cart_add_creates_a_line_then_adds_on_top(variant):
    cart = CartFactory()
    services.cart_add(cart=cart, variant=variant, quantity=2)
    line = services.cart_add(cart=cart, variant=variant, quantity=3)
    assert line.quantity == 5
    assert cart.lines.count() == 1


def test_cart_add_refuses_more_than_the_stock_and_changes_nothing(variant, snapshot):
    cart = CartFactory()
    services.cart_add(cart=cart, variant=variant, quantity=8)
    before = snapshot()
    with pytest.raises(ValidationError, match="only 10 of"):
        services.cart_add(cart=cart, variant=variant, quantity=3)
    assert snapshot() == before


def test_cart_add_refuses_more_than_the_line_maximum():
    variant = ProductVariantFactory(stock=500)
    cart = CartFactory()
    with pytest.raises(ValidationError, match=f"at most {MAX_LINE_QUANTITY}"):
        services.cart_add(cart=cart, variant=variant, quantity=MAX_LINE_QUANTITY + 1)
    assert not cart.lines.exists()


@pytest.mark.parametrize(
    ("variant_kwargs", "message"),
    [
        ({"is_active": False}, "no longer available"),
        ({"product__is_active": False}, "no longer available"),
        ({"stock": 0}, "out of stock"),
    ],
)
def test_cart_add_refuses_what_cannot_be_bought(variant_kwargs, message):
    variant = ProductVariantFactory(**{"stock": 5, **variant_kwargs})
    cart = CartFactory()
    with pytest.raises(ValidationError, match=message):
        services.cart_add(cart=cart, variant=variant, quantity=1)
    assert not cart.lines.exists()


def test_cart_set_quantity_replaces_the_quantity(variant):
    line = CartLineFactory(variant=variant, quantity=4)
    services.cart_set_quantity(cart=line.cart, variant=variant, quantity=1)
    line.refresh_from_db()
    assert line.quantity == 1


def test_cart_set_quantity_refuses_a_variant_not_in_the_cart(variant):
    cart = CartFactory()
    with pytest.raises(ValidationError, match="not in your cart"):
        services.cart_set_quantity(cart=cart, variant=variant, quantity=1)
    assert not cart.lines.exists()


def test_cart_remove_deletes_only_that_line(variant):
    line = CartLineFactory(variant=variant)
    kept = CartLineFactory(cart=line.cart)
    services.cart_remove(cart=line.cart, variant=variant)
    assert list(line.cart.lines.all()) == [kept]


def test_cart_merge_sums_quantities_caps_them_and_deletes_the_source(variant):
    other = ProductVariantFactory(stock=500)
    source = CartFactory(user=None)
    target = CartFactory()
    CartLineFactory(cart=source, variant=variant, quantity=2)
    CartLineFactory(cart=target, variant=variant, quantity=3)
    CartLineFactory(cart=source, variant=other, quantity=60)
    CartLineFactory(cart=target, variant=other, quantity=60)
    lone = ProductVariantFactory()
    CartLineFactory(cart=source, variant=lone, quantity=1)

    services.cart_merge(source=source, target=target)

    assert not Cart.objects.filter(pk=source.pk).exists()
    assert dict(target.lines.values_list("variant_id", "quantity")) == {
        variant.pk: 5,
        other.pk: MAX_LINE_QUANTITY,
        lone.pk: 1,
    }


@pytest.fixture
def stock_changes():
    """The ``variant_ids`` of every stock_changed signal sent during the test."""
    sent = []

    def record(variant_ids, **kwargs):
        sent.append(sorted(variant_ids))

    stock_changed.connect(record)
    yield sent
    stock_changed.disconnect(record)


def test_place_order_takes_stock_keeps_database_prices_and_empties_the_cart(
    variant, stock_changes, django_capture_on_commit_callbacks
):
    second = ProductVariantFactory(price=Decimal("4.50"), stock=3)
    cart = CartFactory()
    CartLineFactory(cart=cart, variant=variant, quantity=2)
    CartLineFactory(cart=cart, variant=second, quantity=3)
    with django_capture_on_commit_callbacks(execute=True):
        order = services.place_order(
            cart=cart, user=cart.user, shipping=SHIPPING, checkout_token=uuid.uuid4()
        )

    assert order.total == Decimal("63.50")
    assert order.full_name == "Ada Lovelace"
    assert sorted(order.lines.values_list("sku", "unit_price", "quantity")) == sorted(
        [(variant.sku, Decimal("25.00"), 2), (second.sku, Decimal("4.50"), 3)]
    )
    variant.refresh_from_db()
    second.refresh_from_db()
    assert (variant.stock, second.stock) == (8, 0)
    assert not cart.lines.exists()
    assert stock_changes == [sorted([variant.pk, second.pk])]


def test_place_order_sends_stock_changed_only_after_commit(variant, stock_changes):
    line = CartLineFactory(variant=variant)
    # The test runs inside a transaction that never commits.
    services.place_order(
        cart=line.cart, user=line.cart.user, shipping=SHIPPING, checkout_token=uuid.uuid4()
    )
    assert stock_changes == []


def test_place_order_out_of_stock_lists_the_line_and_changes_nothing(variant, snapshot):
    scarce = ProductVariantFactory(stock=1)
    cart = CartFactory()
    CartLineFactory(cart=cart, variant=variant, quantity=2)
    CartLineFactory(cart=cart, variant=scarce, quantity=2)
    before = snapshot()
    with pytest.raises(ValidationError) as raised:
        services.place_order(
            cart=cart, user=cart.user, shipping=SHIPPING, checkout_token=uuid.uuid4()
        )
    assert raised.value.messages == [f"Sorry, only 1 of {scarce} left in stock."]
    assert snapshot() == before


def test_place_order_refuses_a_line_that_became_unavailable(variant, snapshot):
    line = CartLineFactory(variant=variant)
    variant.product.is_active = False
    variant.product.save()
    before = snapshot()
    with pytest.raises(ValidationError, match="no longer available"):
        services.place_order(
            cart=line.cart, user=line.cart.user, shipping=SHIPPING, checkout_token=uuid.uuid4()
        )
    assert snapshot() == before


def test_place_order_twice_with_one_token_returns_the_first_order(variant):
    line = CartLineFactory(variant=variant, quantity=2)
    cart, token = line.cart, uuid.uuid4()
    first = services.place_order(cart=cart, user=cart.user, shipping=SHIPPING, checkout_token=token)
    CartLineFactory(cart=cart, variant=variant, quantity=1)
    again = services.place_order(cart=cart, user=cart.user, shipping=SHIPPING, checkout_token=token)
    assert again == first
    assert Order.objects.count() == 1
    variant.refresh_from_db()
    assert variant.stock == 8


def test_place_order_refuses_another_users_token(variant, snapshot):
    taken = OrderFactory()
    line = CartLineFactory(variant=variant)
    before = snapshot()
    with pytest.raises(ValidationError, match="expired"):
        services.place_order(
            cart=line.cart,
            user=line.cart.user,
            shipping=SHIPPING,
            checkout_token=taken.checkout_token,
        )
    assert snapshot() == before


def test_place_order_refuses_an_empty_cart():
    cart = CartFactory()
    with pytest.raises(ValidationError, match="empty"):
        services.place_order(
            cart=cart, user=cart.user, shipping=SHIPPING, checkout_token=uuid.uuid4()
        )
    assert not Order.objects.exists()


def test_place_order_refuses_a_cart_of_another_user(variant):
    line = CartLineFactory(variant=variant)
    stranger = CartFactory().user
    with pytest.raises(Cart.DoesNotExist):
        services.place_order(
            cart=line.cart, user=stranger, shipping=SHIPPING, checkout_token=uuid.uuid4()
        )
    assert CartLine.objects.filter(pk=line.pk).exists()
