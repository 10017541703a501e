import uuid

import pytest
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory
from cart.models import Cart
from cart.session import SESSION_KEY
from cart.tests.factories import CartLineFactory, OrderFactory, OrderLineFactory
from catalog.tests.factories import ProductVariantFactory

pytestmark = pytest.mark.django_db

LOGIN, SIGNUP, ORDERS = (
    reverse("accounts:login"),
    reverse("accounts:signup"),
    reverse("accounts:orders"),
)


def signup_data(**overrides) -> dict:
    return {
        "username": "grace",
        "first_name": "Grace",
        "email": "grace@example.com",
        "password1": "a-long-unusual-passphrase",
        "password2": "a-long-unusual-passphrase",
        **overrides,
    }


def test_sign_up_logs_the_user_in_and_follows_next(client):
    response = client.post(f"{SIGNUP}?next=/checkout/", signup_data())
    assert response.status_code == 302
    assert response.url == "/checkout/"
    page = client.get(ORDERS).content.decode()
    assert "Hi, Grace" in page


def test_sign_up_ignores_an_offsite_next(client):
    response = client.post(SIGNUP, {**signup_data(), "next": "https://evil.example/"})
    assert response.url == reverse("home")


@pytest.mark.parametrize(
    "data",
    [{"password2": "something-else"}, {"email": ""}, {"username": ""}, {"password1": "123"}],
    ids=lambda data: next(iter(data)),
)
def test_sign_up_with_bad_input_shows_the_form_again(client, data):
    response = client.post(SIGNUP, signup_data(**data))
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert "_auth_user_id" not in client.session


def test_log_in_merges_the_anonymous_cart_into_the_users_cart(client):
    user = UserFactory()
    shared, lone = ProductVariantFactory(stock=200), ProductVariantFactory(stock=50)
    CartLineFactory(cart__user=user, variant=shared, quantity=60)
    client.post(reverse("cart:add"), {"variant": shared.pk, "quantity": 50})
    client.post(reverse("cart:add"), {"variant": lone.pk, "quantity": 1})
    anonymous = Cart.objects.get(user=None)

    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})

    assert response.status_code == 302
    assert not Cart.objects.filter(pk=anonymous.pk).exists()
    assert SESSION_KEY not in client.session
    assert dict(user.cart.lines.values_list("variant_id", "quantity")) == {
        shared.pk: 99,
        lone.pk: 1,
    }
    assert "data-minicart-count>100<" in client.get(reverse("cart:detail")).content.decode()


def test_log_in_page_returns_to_next(client):
    user = UserFactory()
    response = client.post(
        LOGIN, {"username": user.username, "password": PASSWORD, "next": "/checkout/"}
    )
    assert response.url == "/checkout/"


def test_log_out_is_a_post_and_keeps_the_users_cart(client):
    line = CartLineFactory()
    client.force_login(line.cart.user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    page = client.get(reverse("cart:detail")).content.decode()
    assert "Your cart is empty" in page
    assert Cart.objects.get(pk=line.cart.pk).lines.count() == 1


def test_order_history_lists_only_the_users_own_orders(client):
    mine, theirs = OrderFactory(), OrderFactory()
    client.force_login(mine.user)
    page = client.get(ORDERS).content.decode()
    assert mine.reference in page
    assert theirs.reference not in page


def test_order_detail_shows_the_lines_at_the_price_paid(client):
    line = OrderLineFactory(unit_price="12.34", quantity=2)
    client.force_login(line.order.user)
    page = client.get(line.order.get_absolute_url()).content.decode()
    assert line.product_name in page
    assert "$24.68" in page


@pytest.mark.parametrize("number", ["theirs", "unknown"])
def test_another_users_order_is_a_404(client, number):
    theirs = OrderFactory()
    client.force_login(UserFactory())
    url = (
        theirs.get_absolute_url()
        if number == "theirs"
        else reverse("accounts:order-detail", args=[uuid.uuid4()])
    )
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", [ORDERS, "/accounts/orders/" + str(uuid.uuid4()) + "/"])
def test_order_pages_ask_a_visitor_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(f"{LOGIN}?next=")


def test_a_malformed_order_number_is_a_404(client):
    client.force_login(UserFactory())
    assert client.get("/accounts/orders/not-a-uuid/").status_code == 404


@pytest.mark.parametrize(("url", "switch"), [(LOGIN, SIGNUP), (SIGNUP, LOGIN)])
def test_log_in_and_sign_up_pages_pass_next_along(client, url, switch):
    page = client.get(f"{url}?next=/checkout/").content.decode()
    assert '<input type="hidden" name="next" value="/checkout/">' in page
    assert f'href="{switch}?next=/checkout/"' in page


def test_order_history_pages_by_twenty(client):
    user = UserFactory()
    OrderFactory.create_batch(21, user=user)
    client.force_login(user)
    first, second = client.get(ORDERS), client.get(f"{ORDERS}?page=2")
    assert len(first.context["orders"]) == 20
    assert len(second.context["orders"]) == 1
    assert 'href="?page=2"' in first.content.decode()
    assert client.get(f"{ORDERS}?page=99").status_code == 404
