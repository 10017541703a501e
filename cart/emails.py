"""
The order confirmation email, sent once the order has committed.

``place_order`` schedules it with ``transaction.on_commit``: an order that rolls back sends
nothing, and the email never holds the order's transaction (or its stock locks) open while a
mail server answers. A failure to send is logged, never raised: the order stands, and the shopper
sees it in their order history whatever the mail server did.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from cart.models import Order

logger = logging.getLogger(__name__)


def send_order_confirmation(*, order_id: int) -> None:
    """Email the order's lines and total to the address given at checkout, with a link to the
    order on ``settings.SITE_URL`` (sent after the request, it has no host of its own)."""
    order = Order.objects.prefetch_related("lines").get(pk=order_id)
    order_url = settings.SITE_URL + reverse("accounts:order-detail", args=[order.number])
    context = {"order": order, "order_url": order_url}
    try:
        send_mail(
            subject=f"Your order {order.reference} is confirmed",
            message=render_to_string("cart/email/order_confirmation.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[order.email],
        )
    except OSError as error:  # smtplib's errors and the socket's
        logger.error(
            "event=order_email_failed order=%s error=%r", order.reference, error, exc_info=True
        )
