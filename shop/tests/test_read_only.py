"""
The shop with its primary down (stopped or crashed, persistent connections open): catalog pages,
search and the signed-in header go on from the replicas and the caches, a shopper's cart and
orders from a replica with a read-only banner; every write answers the read-only 503 page at once;
no cart changes; and the mode ends by itself when the primary is back.
"""

import time
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.core.signing import get_cookie_signer
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory
from cart.models import CartLine
from cart.tests.factories import CartLineFactory, OrderFactory, checkout_data
from catalog.tests.factories import ProductVariantFactory
from perf.cache.generations import BUMPED_PREFIX
from perf.conf import get_config
from perf.db import health, pinning, routing
from perf.tests.db.browsing import reads_by_node

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True, databases="__all__")]

COOLDOWN = 0.5


@pytest.fixture
def shop(settings, stack):
    """A variant, a signed-in shopper with 2 of it in the cart who has browsed (caches warm),
    and a staff member signed in to the admin."""
    settings.PERF = {**settings.PERF, "FAILOVER_COOLDOWN": COOLDOWN}
    variant = ProductVariantFactory(price=Decimal("25.00"), stock=10, product__name="Field Jacket")
    user = UserFactory(first_name="Grace")
    CartLineFactory(cart__user=user, variant=variant, quantity=2)
    stack.wait_for_replication()
    # As some seconds later: the changes above no longer send recomputes to the primary
    # (perf.cache.generations marks them for MAX_LAG_SECONDS + LAG_CHECK_INTERVAL).
    caches["default"].delete_pattern(f"{BUMPED_PREFIX}*")
    shopper = Client(raise_request_exception=False)
    shopper.force_login(user)
    staff = Client(raise_request_exception=False)
    staff.force_login(User.objects.create_superuser("boss", "boss@example.com", "x"))
    pages = {
        "home": reverse("home"),
        "category": variant.product.category.get_absolute_url(),
        "product": variant.product.get_absolute_url(),
        "search": reverse("catalog:search") + "?q=jacket",
    }
    for url in pages.values():
        assert shopper.get(url).status_code == 200
    # Requests are not pinned to the primary by what this test wrote outside them.
    with routing.routing_scope(inherit=False):
        yield {"variant": variant, "user": user, "shopper": shopper, "staff": staff, "pages": pages}


def writes(shop) -> dict[str, tuple[Client, str, dict]]:
    """Every kind of write a visitor can make: (client, URL, form data)."""
    variant, anonymous = shop["variant"], Client(raise_request_exception=False)
    add = {"variant": variant.pk, "quantity": 1}
    return {
        "add to cart": (shop["shopper"], reverse("cart:add"), add),
        "checkout": (shop["shopper"], reverse("cart:checkout"), checkout_data()),
        "sign-up": (
            anonymous,
            reverse("accounts:signup"),
            {"username": "newbie", "password1": PASSWORD, "password2": PASSWORD},
        ),
        "log-in": (
            anonymous,
            reverse("accounts:login"),
            {"username": shop["user"].username, "password": PASSWORD},
        ),
        "admin edit": (
            shop["staff"],
            reverse("admin:catalog_productvariant_change", args=[variant.pk]),
            {"sku": variant.sku, "price": "1.00", "stock": 0},
        ),
    }


def as_served(request, *args):
    """``request(*args)``, after what a server does before each request and the test client
    skips: closing the connections that failed."""
    close_old_connections()
    return request(*args)


def cart_of(user) -> list[tuple[int, int]]:
    return list(CartLine.objects.filter(cart__user=user).values_list("variant_id", "quantity"))


def assert_read_only_page(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert "read-only for a moment" in response.text
    assert "Your cart is safe" in response.text


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_with_the_primary_down_writes_answer_503_and_reading_goes_on(shop, stack, mode):
    cart_before = cart_of(shop["user"])
    stack.stop_primary(mode)
    try:
        for name, (client, url, data) in writes(shop).items():
            started = time.monotonic()
            response = as_served(client.post, url, data)
            assert time.monotonic() - started < 2, name
            assert_read_only_page(response)
        assert not health.is_up("default")
        assert_read_only_page(as_served(shop["staff"].get, reverse("admin:index")))

        for name, url in shop["pages"].items():
            response = as_served(shop["shopper"].get, url)
            assert response.status_code == 200, name
            assert "Hi, Grace" in response.text, name
            assert "data-minicart-count>2<" in response.text, name
        uncached = as_served(shop["shopper"].get, reverse("catalog:search") + "?q=field")
        assert "Field Jacket" in uncached.text
        assert set(reads_by_node(uncached)) <= {"replica1", "replica2"}
        assert reads_by_node(uncached).total() > 0
    finally:
        stack.start_primary()

    assert cart_of(shop["user"]) == cart_before


def test_a_browser_that_wrote_moments_ago_reads_the_catalog_from_the_replicas_while_down(
    shop, stack
):
    """Its pin cookie would send its reads to the primary; with the primary down, a page a
    moment stale beats a 503."""
    name = get_config()["PIN_COOKIE_NAME"]
    shop["shopper"].cookies[name] = get_cookie_signer(salt=name + pinning.SALT).sign("1")
    stack.stop_primary("immediate")
    try:
        health.record_failure("default", "stopped")
        response = as_served(shop["shopper"].get, reverse("catalog:search") + "?q=field")
    finally:
        stack.start_primary()

    assert response.status_code == 200
    assert "Field Jacket" in response.text
    assert set(reads_by_node(response)) <= {"replica1", "replica2"}


def test_with_the_primary_hung_writes_answer_503_and_reading_goes_on(shop, stack):
    """Its whole process tree stopped, connections open: the first statement on it fails at the
    deadline (perf.db.deadlines: PRIMARY_DEADLINE, then PROBE_TIMEOUT) and marks it down; the
    request's next connection attempt fails at once, as does what follows."""
    cart_before = cart_of(shop["user"])
    stack.primary.freeze(whole_tree=True)
    try:
        for number, (name, (client, url, data)) in enumerate(writes(shop).items()):
            started = time.monotonic()
            response = as_served(client.post, url, data)
            assert time.monotonic() - started < (3 if number == 0 else 0.5), name
            assert_read_only_page(response)
        for name, url in shop["pages"].items():
            started = time.monotonic()
            response = as_served(shop["shopper"].get, url)
            assert time.monotonic() - started < 2, name
            assert response.status_code == 200, name
            assert "Hi, Grace" in response.text, name
    finally:
        stack.primary.thaw()
    time.sleep(COOLDOWN)

    close_old_connections()
    assert cart_of(shop["user"]) == cart_before


BANNER = "The shop is read-only for a moment"


def test_with_the_primary_down_the_cart_and_orders_are_read_from_a_replica(shop, stack):
    shopper, user = shop["shopper"], shop["user"]
    order, other = OrderFactory(user=user), OrderFactory()
    stack.wait_for_replication()
    pages = {
        "cart": reverse("cart:detail"),
        "checkout": reverse("cart:checkout"),
        "orders": reverse("accounts:orders"),
        "order": order.get_absolute_url(),
    }
    client, url, data = writes(shop)["add to cart"]
    stack.stop_primary("immediate")
    try:
        # The first page finds the primary gone (its persistent connection dies) and is served
        # again from a replica; the next ones go there at once.
        responses = {name: as_served(shopper.get, url) for name, url in pages.items()}
        write = as_served(client.post, url, data)
    finally:
        stack.start_primary()

    for name, response in responses.items():
        assert response.status_code == 200, name
        assert BANNER in response.text, name
        assert "Hi, Grace" in response.text, name
        assert set(reads_by_node(response)) <= {"replica1", "replica2"}, name
    assert "Field Jacket" in responses["cart"].text
    assert 'value="2"' in responses["cart"].text
    assert responses["cart"].text.count(" disabled>") == 2  # update and remove
    assert " disabled>Place order" in responses["checkout"].text
    assert order.reference in responses["orders"].text
    assert other.reference not in responses["orders"].text
    assert str(order.number) in responses["order"].text
    assert_read_only_page(write)
    time.sleep(COOLDOWN)
    assert BANNER not in as_served(shopper.get, pages["cart"]).text  # once the primary is back


def test_read_only_mode_ends_by_itself_once_the_primary_answers(shop, stack):
    client, url, data = writes(shop)["add to cart"]
    stack.stop_primary("immediate")
    try:
        assert_read_only_page(as_served(client.post, url, data))
        assert_read_only_page(as_served(client.post, url, data))
    finally:
        stack.start_primary()
    time.sleep(COOLDOWN)

    assert as_served(client.post, url, data).status_code == 302
    assert health.is_up("default")
    assert cart_of(shop["user"]) == [(shop["variant"].pk, 3)]


def test_readyz_reports_each_degraded_state(shop, stack):
    anonymous = Client(raise_request_exception=False)
    assert anonymous.get("/readyz").json()["status"] == "ok"

    stack.kill_replica(1)
    for query in ("coat", "boot", "hat"):  # uncached reads, round robin over the replicas
        search = reverse("catalog:search") + f"?q={query}"
        assert as_served(anonymous.get, search).status_code == 200
    ready = anonymous.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "degraded"
    assert ready.json()["nodes"]["replica1"] == "down"

    stack.freeze_redis()
    try:
        # A page never seen: the first lookup goes to Redis (a cached page may need none).
        assert anonymous.get(reverse("catalog:search") + "?q=scarf").status_code == 200
        problems = anonymous.get("/readyz").json()["problems"]
    finally:
        stack.thaw_redis()
    assert any(problem.startswith("Redis") for problem in problems)

    stack.stop_primary("immediate")
    try:
        client, url, data = writes(shop)["add to cart"]
        assert_read_only_page(as_served(client.post, url, data))
        assert_read_only_page(as_served(client.post, url, data))
        ready = anonymous.get("/readyz")
    finally:
        stack.start_primary()
    assert ready.status_code == 200
    assert ready.json()["read_only"] is True
    assert ready.json()["nodes"]["default"] in {"down", "trying"}
