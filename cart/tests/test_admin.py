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
