"""The cart's views: adding, updating and removing lines, and what each refuses."""

import pytest
from django.test import Client
from django.urls import reverse

from cart.models import Cart, CartLine
from cart.session import SESSION_KEY
from cart.tests.factories import CartLineFactory, checkout_data
from catalog.tests.factories import ProductVariantFactory

pytestmark = pytest.mark.django_db

ADD, UPDATE, REMOVE = reverse("cart:add"), reverse("cart:update"), reverse("cart:remove")
CHECKOUT = reverse("cart:checkout")


def test_browsing_creates_no_cart(client, variant):
    for url in (reverse("home"), variant.product.get_absolute_url(), reverse("cart:detail")):
        assert client.get(url).status_code == 200
    assert b"Your cart is empty" in client.get(reverse("cart:detail")).content
    assert not Cart.objects.exists()


def test_add_to_cart_keeps_an_anonymous_cart_in_the_session(shopper, variant):
    cart = Cart.objects.get()
    assert cart.user is None
    assert shopper.session[SESSION_KEY] == cart.pk
    assert list(cart.lines.values_list("variant_id", "quantity")) == [(variant.pk, 2)]
    page = shopper.get(reverse("cart:detail"))
    assert variant.sku in page.content.decode()
    assert "Added to your cart" in page.content.decode()


def test_one_visitors_cart_is_invisible_to_another(shopper, variant):
    other = Client()
    page = other.get(reverse("cart:detail")).content.decode()
    assert variant.sku not in page
    assert "Your cart is empty" in page


def test_the_minicart_shows_count_and_subtotal_on_the_cart_page(shopper):
    page = shopper.get(reverse("cart:detail")).content.decode()
    assert "data-minicart-count>2<" in page
    assert "$50.00" in page


@pytest.mark.parametrize(
    "data",
    [
        {"quantity": "abc"},
        {"quantity": ""},
        {"quantity": "1.5"},
        {"quantity": "0"},
        {"quantity": "-3"},
        {"quantity": "100"},
        {"quantity": "99999999999999999999999"},
        {"variant": "abc"},
        {"variant": ""},
        {"variant": "987654"},
        {"variant": "99999999999999999999999"},
        {"price": "0.01", "quantity": "100"},
    ],
    ids=lambda data: repr(data),
)
def test_add_refuses_bad_input_with_a_400_and_changes_nothing(shopper, variant, snapshot, data):
    before = snapshot()
    response = shopper.post(ADD, {"variant": variant.pk, "quantity": 1, **data})
    assert response.status_code == 400
    assert b"We could not change your cart" in response.content
    assert b"This field is required" not in response.content
    assert snapshot() == before


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("abc", "Enter the quantity as a whole number."),
        ("", "Enter the quantity."),
        ("0", "The quantity must be at least 1."),
        ("100", "You can buy at most 99 of one item."),
    ],
)
def test_add_says_what_is_wrong_with_the_quantity(client, variant, quantity, message):
    response = client.post(ADD, {"variant": variant.pk, "quantity": quantity})
    assert message in response.content.decode()


@pytest.mark.parametrize("variant_kwargs", [{"is_active": False}, {"product__is_active": False}])
def test_add_refuses_an_inactive_variant(shopper, snapshot, variant_kwargs):
    inactive = ProductVariantFactory(stock=10, **variant_kwargs)
    before = snapshot()
    response = shopper.post(ADD, {"variant": inactive.pk, "quantity": 1})
    assert response.status_code == 400
    assert b"This product is not available." in response.content
    assert snapshot() == before


def test_add_beyond_the_stock_is_refused_with_a_clear_message(shopper, variant, snapshot):
    before = snapshot()
    response = shopper.post(ADD, {"variant": variant.pk, "quantity": 9})
    assert response.status_code == 400
    assert f"only 10 of {variant} left in stock" in response.content.decode()
    assert snapshot() == before


def test_add_ignores_a_posted_price(client, variant):
    client.post(ADD, {"variant": variant.pk, "quantity": 1, "price": "0.01"})
    page = client.get(reverse("cart:detail")).content.decode()
    assert "$25.00" in page
    assert "$0.01" not in page


def test_add_answers_get_with_405(client):
    assert client.get(ADD).status_code == 405


def test_update_changes_the_quantity(shopper, variant):
    response = shopper.post(UPDATE, {"variant": variant.pk, "quantity": 5})
    assert response.status_code == 302
    assert CartLine.objects.get().quantity == 5


@pytest.mark.parametrize(
    "data",
    [
        {"quantity": "abc"},
        {"quantity": "0"},
        {"quantity": "-1"},
        {"quantity": "100"},
        {"quantity": "11"},
        {"variant": "abc"},
        {"variant": "987654"},
    ],
    ids=lambda data: repr(data),
)
def test_update_refuses_bad_input_with_a_400_and_changes_nothing(shopper, variant, snapshot, data):
    before = snapshot()
    response = shopper.post(UPDATE, {"variant": variant.pk, "quantity": 1, **data})
    assert response.status_code == 400
    assert snapshot() == before


def test_update_refuses_a_variant_in_another_visitors_cart(shopper, snapshot):
    elsewhere = CartLineFactory()
    before = snapshot()
    response = shopper.post(UPDATE, {"variant": elsewhere.variant_id, "quantity": 1})
    assert response.status_code == 400
    assert b"This item is not in your cart." in response.content
    assert snapshot() == before


def test_remove_deletes_the_line(shopper, variant):
    assert shopper.post(REMOVE, {"variant": variant.pk}).status_code == 302
    assert not CartLine.objects.exists()


def test_remove_refuses_a_variant_not_in_the_cart(shopper, snapshot):
    elsewhere = CartLineFactory()
    before = snapshot()
    assert shopper.post(REMOVE, {"variant": elsewhere.variant_id}).status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize("url", [ADD, UPDATE, REMOVE, CHECKOUT])
def test_a_post_without_csrf_token_is_refused_with_403(user, variant, snapshot, url):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    CartLineFactory(cart__user=user, variant=variant)
    before = snapshot()
    response = client.post(url, {"variant": variant.pk, "quantity": 1, **checkout_data()})
    assert response.status_code == 403
    assert snapshot() == before
