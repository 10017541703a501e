"""The header holes: they render from the request alone, lazily, in a bounded number of queries."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.template.loader import render_to_string
from django.test import RequestFactory

from cart.context_processors import minicart
from cart.session import SESSION_KEY
from cart.tests.factories import CartFactory, CartLineFactory
from catalog.tests.factories import ProductVariantFactory

pytestmark = pytest.mark.django_db


def request_for(user=None, cart=None):
    request = RequestFactory().get("/c/boots/?page=2")
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    if cart is not None and cart.user is None:
        request.session[SESSION_KEY] = cart.pk
    return request


def cart_with_two_lines(**cart_kwargs):
    cart = CartFactory(**cart_kwargs)
    CartLineFactory(cart=cart, variant=ProductVariantFactory(price="10.00"), quantity=3)
    CartLineFactory(cart=cart, variant=ProductVariantFactory(price="2.50"), quantity=2)
    return cart


def test_the_minicart_costs_no_query_until_shown(django_assert_num_queries):
    request = request_for(cart=cart_with_two_lines(user=None))
    with django_assert_num_queries(0):
        minicart(request)


@pytest.mark.parametrize(("owner", "queries"), [("anonymous", 1), ("user", 2)])
def test_the_minicart_reads_its_numbers_once_then_from_the_cache(
    owner, queries, django_assert_num_queries
):
    """Anonymous: the totals (the cart id is in the session). User: which cart, then totals."""
    cart = cart_with_two_lines(**({"user": None} if owner == "anonymous" else {}))
    with django_assert_num_queries(queries):
        html = render_to_string("includes/minicart.html", request=request_for(cart.user, cart))
    with django_assert_num_queries(0):
        again = render_to_string("includes/minicart.html", request=request_for(cart.user, cart))
    assert html == again
    assert "data-minicart-count>5<" in html
    assert "$35.00" in html


def test_the_minicart_of_a_visitor_without_cart_shows_zero_without_queries(
    django_assert_num_queries,
):
    with django_assert_num_queries(0):
        html = render_to_string("includes/minicart.html", request=request_for())
    assert "data-minicart-count>0<" in html
    assert "$0.00" in html


def test_the_minicart_never_shows_another_users_cart():
    mine = cart_with_two_lines()
    cart_with_two_lines(user=None)
    CartLineFactory(variant=ProductVariantFactory(price="99.00"), quantity=7)
    html = render_to_string("includes/minicart.html", request=request_for(user=mine.user))
    assert "data-minicart-count>5<" in html


def test_the_header_greets_a_user_and_logs_out_with_a_csrf_protected_post():
    user = CartFactory().user
    html = render_to_string("includes/header_user.html", request=request_for(user=user))
    assert f"Hi, {user.first_name}" in html
    assert 'method="post" action="/accounts/logout/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "/accounts/orders/" in html


def test_the_header_offers_log_in_back_to_the_page_to_a_visitor():
    html = render_to_string("includes/header_user.html", request=request_for())
    assert "/accounts/login/?next=/c/boots/%3Fpage%3D2" in html
    assert "/accounts/signup/" in html
    assert "Hi," not in html
