import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from cart.tests.factories import CartLineFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    """Like pytest-django's, without hashing a fresh password for every test."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_order_admin_shows_lines_with_read_only_prices(admin_client):
    line = OrderLineFactory(unit_price="12.34")
    page = admin_client.get(reverse("admin:cart_order_change", args=[line.order.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "12.34" in html
    assert 'name="lines-0-unit_price"' not in html


@pytest.mark.parametrize("model", ["order", "cart"])
def test_changelists_load(admin_client, model):
    OrderLineFactory()
    CartLineFactory()
    assert admin_client.get(reverse(f"admin:cart_{model}_changelist")).status_code == 200


def test_cart_admin_shows_the_lines(admin_client):
    line = CartLineFactory()
    page = admin_client.get(reverse("admin:cart_cart_change", args=[line.cart.pk]))
    assert page.status_code == 200
    assert (
        line.variant.sku in page.content.decode() or str(line.variant_id) in page.content.decode()
    )


def act(admin_client, action: str, *orders):
    return admin_client.post(
        reverse("admin:cart_order_changelist"),
        {"action": action, "_selected_action": [order.pk for order in orders]},
        follow=True,
    )


def test_the_cancel_action_returns_the_stock_and_says_so(admin_client):
    line = OrderLineFactory(variant__stock=5, quantity=2)

    page = act(admin_client, "cancel", line.order)

    assert "1 order cancelled; stock returned." in page.content.decode()
    line.order.refresh_from_db()
    line.variant.refresh_from_db()
    assert (line.order.status, line.variant.stock) == ("cancelled", 7)


def test_a_shipped_order_is_not_cancelled_and_the_admin_is_told_why(admin_client):
    shipped = OrderLineFactory(variant__stock=5, quantity=2)
    paid = OrderLineFactory(variant__stock=5, quantity=1)
    act(admin_client, "mark_shipped", shipped.order)

    page = act(admin_client, "cancel", shipped.order, paid.order).content.decode()

    assert f"Order {shipped.order.reference} has shipped and can no longer be cancelled." in page
    assert "1 order cancelled" in page
    shipped.variant.refresh_from_db()
    paid.variant.refresh_from_db()
    assert (shipped.variant.stock, paid.variant.stock) == (5, 6)


def test_the_status_is_not_editable_in_the_change_form(admin_client):
    line = OrderLineFactory()
    page = admin_client.get(reverse("admin:cart_order_change", args=[line.order.pk]))
    assert 'name="status"' not in page.content.decode()
