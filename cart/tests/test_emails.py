"""The order confirmation email: sent once the order commits, never for one that rolled back,
and a mail server that fails never fails the order. Real transactions, so on_commit is real."""

import socket
import uuid

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from cart import services
from cart.models import Order
from cart.tests.factories import CartLineFactory
from cart.tests.test_services import SHIPPING
from cart.tests.test_views import checkout_data
from catalog.tests.factories import ProductVariantFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def line():
    return CartLineFactory(quantity=2, variant=ProductVariantFactory(price="12.50", stock=5))


def place(line) -> Order:
    return services.place_order(
        cart=line.cart, user=line.cart.user, shipping=SHIPPING, checkout_token=uuid.uuid4()
    )


def test_a_placed_order_is_confirmed_by_email_once_it_commits(line, mailoutbox, settings):
    settings.SITE_URL = "https://shop.example"

    order = place(line)

    [email] = mailoutbox
    assert email.to == ["ada@example.com"]
    assert email.subject == f"Your order {order.reference} is confirmed"
    assert f"2 x {line.variant.product.name}" in email.body
    assert "Total paid: $25.00" in email.body
    assert f"https://shop.example/accounts/orders/{order.number}/" in email.body


@transaction.atomic
def place_then_fail(line) -> None:
    place(line)
    raise RuntimeError("something after the order failed")


def test_an_order_that_rolls_back_sends_nothing(line, mailoutbox):
    with pytest.raises(RuntimeError):
        place_then_fail(line)

    assert not Order.objects.exists()
    assert mailoutbox == []


def test_a_failing_mail_server_never_fails_the_order(line, mailoutbox, settings, caplog):
    with socket.socket() as unused:  # a port nothing listens on: the connection is refused
        unused.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = unused.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    client = Client()
    client.force_login(line.cart.user)

    response = client.post(reverse("cart:checkout"), checkout_data())

    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == order.get_absolute_url()
    assert f"event=order_email_failed order={order.reference}" in caplog.text


def test_submitting_one_checkout_form_twice_sends_one_email(line, mailoutbox):
    client = Client()
    client.force_login(line.cart.user)
    data = checkout_data()

    client.post(reverse("cart:checkout"), data)
    client.post(reverse("cart:checkout"), data)

    assert Order.objects.count() == 1
    assert len(mailoutbox) == 1
