"""The mini-cart's cached numbers follow every change to the cart, its prices and its owner."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from cart import services
from cart.cache import cart_namespace, minicart_summary
from cart.models import Cart
from cart.session import SESSION_KEY
from cart.tests.factories import CartFactory, CartLineFactory
from catalog.tests.factories import ProductVariantFactory
from perf.cache import generations
from perf.cache.generations import PREFIX

pytestmark = pytest.mark.django_db


def request_for(user=None, cart_id=None):
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    if cart_id is not None:
        request.session[SESSION_KEY] = cart_id
    return request


def counted(request) -> tuple[int, Decimal]:
    summary = minicart_summary(request)
    return summary.count, summary.subtotal


def test_adding_changing_and_removing_lines_shows_at_once(committed):
    cart = CartFactory(user=None)
    shirt = ProductVariantFactory(price="10.00", stock=50)
    socks = ProductVariantFactory(price="2.50", stock=50)
    request = lambda: request_for(cart_id=cart.pk)  # noqa: E731
    assert counted(request()) == (0, Decimal("0.00"))

    committed(services.cart_add, cart=cart, variant=shirt, quantity=2)
    assert counted(request()) == (2, Decimal("20.00"))
    committed(services.cart_add, cart=cart, variant=socks, quantity=1)
    committed(services.cart_set_quantity, cart=cart, variant=shirt, quantity=1)
    assert counted(request()) == (2, Decimal("12.50"))
    committed(services.cart_remove, cart=cart, variant=socks)
    assert counted(request()) == (1, Decimal("10.00"))


def test_a_price_change_shows_in_the_subtotal(committed):
    line = CartLineFactory(cart=CartFactory(user=None), variant__price="10.00", quantity=3)
    request = lambda: request_for(cart_id=line.cart_id)  # noqa: E731
    assert counted(request()) == (3, Decimal("30.00"))

    line.variant.price = "8.00"
    committed(line.variant.save)

    assert counted(request()) == (3, Decimal("24.00"))


def test_a_users_first_cart_shows_once_created(user, variant, committed):
    request = lambda: request_for(user=user)  # noqa: E731
    assert counted(request()) == (0, Decimal("0.00"))

    cart = committed(Cart.objects.create, user=user)
    committed(services.cart_add, cart=cart, variant=variant, quantity=4)

    assert counted(request()) == (4, variant.price * 4)


def test_a_deleted_cart_shows_empty_and_leaves_no_counter_behind(committed):
    line = CartLineFactory(cart=CartFactory(user=None), quantity=2)
    request = lambda: request_for(cart_id=line.cart_id)  # noqa: E731
    assert counted(request())[0] == 2
    counter = PREFIX + cart_namespace(line.cart_id)
    assert generations().shared.get(counter) is not None

    committed(line.cart.delete)

    assert generations().shared.get(counter) is None
    assert counted(request()) == (0, Decimal("0.00"))


def test_a_cart_is_only_counted_for_its_owner(user, committed):
    """Even a session that holds the id of somebody's cart gets nothing from it."""
    theirs = CartLineFactory(quantity=7).cart
    assert counted(request_for(cart_id=theirs.pk)) == (0, Decimal("0.00"))
    assert counted(request_for(user=user)) == (0, Decimal("0.00"))
    assert counted(request_for(user=theirs.user)) == (7, theirs.lines.get().variant.price * 7)


def test_logging_in_merges_the_visitors_cart_into_the_users(client, user, variant, committed):
    own = CartLineFactory(cart=CartFactory(user=user), variant=variant, quantity=1).cart
    assert counted(request_for(user=user))[0] == 1
    client.post("/cart/add/", {"variant": variant.pk, "quantity": 2})
    user.set_password("pass-word-123")
    user.save()

    committed(
        client.post, "/accounts/login/", {"username": user.username, "password": "pass-word-123"}
    )

    assert counted(request_for(user=user))[0] == 3
    assert own.lines.get().quantity == 3
