"""The checkout view: who may check out, what an order holds, and what it refuses."""

from decimal import Decimal

import pytest
from django.urls import reverse

from cart.models import CartLine, Order
from cart.tests.factories import OrderFactory, checkout_data

pytestmark = pytest.mark.django_db

ADD, UPDATE, REMOVE = reverse("cart:add"), reverse("cart:update"), reverse("cart:remove")
CHECKOUT = reverse("cart:checkout")


def test_checkout_asks_an_anonymous_visitor_to_log_in_and_comes_back(shopper):
    response = shopper.get(CHECKOUT)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={CHECKOUT}"


def test_checkout_with_an_empty_cart_redirects_to_the_cart(client, user, snapshot):
    client.force_login(user)
    for response in (client.get(CHECKOUT), client.post(CHECKOUT, checkout_data())):
        assert response.status_code == 302
        assert response.url == reverse("cart:detail")
    assert not Order.objects.exists()
    page = client.get(reverse("cart:detail")).content.decode()
    assert "Your cart is empty: add something before checking out." in page


def test_checkout_page_shows_the_order_and_the_test_card(buyer, variant):
    page = buyer.get(CHECKOUT).content.decode()
    assert variant.product.name in page
    assert "$50.00" in page
    assert "4242 4242 4242 4242" in page
    assert 'name="checkout_token"' in page


def test_checkout_places_the_order_and_shows_it(buyer, user, variant):
    response = buyer.post(CHECKOUT, checkout_data(), follow=True)
    order = Order.objects.get()
    assert response.redirect_chain == [(order.get_absolute_url(), 302)]
    assert order.user == user
    assert order.total == Decimal("50.00")
    assert "Thank you! Your order is placed." in response.content.decode()
    variant.refresh_from_db()
    assert variant.stock == 8
    assert not CartLine.objects.exists()


def test_checkout_ignores_tampered_prices(buyer, variant):
    buyer.post(
        CHECKOUT,
        checkout_data(total="0.01", price="0.01", unit_price="0.01", **{"lines-0-price": "0"}),
    )
    order = Order.objects.get()
    assert order.total == Decimal("50.00")
    assert order.lines.get().unit_price == Decimal("25.00")


def test_a_double_submit_makes_one_order(buyer):
    data = checkout_data()
    first = buyer.post(CHECKOUT, data)
    second = buyer.post(CHECKOUT, data)
    order = Order.objects.get()
    assert first.url == second.url == order.get_absolute_url()


@pytest.mark.parametrize(
    "data",
    [
        {"card_number": "4242 4242 4242 4241"},
        {"card_number": "not a card"},
        {"card_number": ""},
        {"email": "nope"},
        {"full_name": ""},
        {"checkout_token": "not-a-uuid"},
        {"postal_code": "x" * 500},
    ],
    ids=lambda data: next(iter(data)),
)
def test_checkout_refuses_bad_input_with_a_400_and_changes_nothing(buyer, snapshot, data):
    before = snapshot()
    response = buyer.post(CHECKOUT, checkout_data(**data))
    assert response.status_code == 400
    assert snapshot() == before


def test_checkout_out_of_stock_says_so_and_changes_nothing(buyer, variant, snapshot):
    variant.stock = 1
    variant.save()
    before = snapshot()
    response = buyer.post(CHECKOUT, checkout_data())
    assert response.status_code == 409
    assert f"only 1 of {variant} left in stock" in response.content.decode()
    assert snapshot() == before


def test_checkout_never_stores_the_card_number(buyer):
    buyer.post(CHECKOUT, checkout_data(card_number="4000 0566 5566 5556"))
    order = Order.objects.values().get()
    assert not any("4000" in str(value) for value in order.values())


def test_checkout_token_of_another_users_order_shows_no_order(buyer, snapshot):
    theirs = OrderFactory()
    before = snapshot()
    response = buyer.post(CHECKOUT, checkout_data(checkout_token=str(theirs.checkout_token)))
    assert response.status_code == 409
    assert theirs.get_absolute_url() not in response.content.decode()
    assert snapshot() == before
