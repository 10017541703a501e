"""
What happens to an order after checkout: it ships, or it is cancelled and its stock goes back.

Each change locks the order row first, so two staff acting on one order (a double click, two
tabs) queue, and the second sees what the first did: cancelling twice returns the stock once.
Cancelling then locks the variants' stock rows in primary-key order, as ``place_order`` does, so
a cancellation and a checkout of the same products queue instead of deadlocking.
"""

from collections import Counter
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction

from cart.models import Order
from catalog.models import ProductVariant
from catalog.signals import stock_changed


@transaction.atomic
def ship_order(*, order: Order) -> Order:
    """Mark a paid ``order`` shipped (a shipped one stays as it is); a cancelled one cannot ship."""
    order = _lock(order)
    if order.status == Order.Status.CANCELLED:
        raise ValidationError(
            "Order %(reference)s is cancelled and cannot be shipped.",
            code="cancelled",
            params={"reference": order.reference},
        )
    if order.status != Order.Status.SHIPPED:
        order.status = Order.Status.SHIPPED
        order.save(update_fields=["status"])
    return order


@transaction.atomic
def cancel_order(*, order: Order) -> Order:
    """Cancel a paid ``order`` and put its units back in stock, in one transaction.

    An order already cancelled is left as it is (its stock went back then); a shipped one cannot
    be cancelled. Lines whose variant has since been deleted have no stock to return.
    """
    order = _lock(order)
    if order.status == Order.Status.CANCELLED:
        return order
    if order.status == Order.Status.SHIPPED:
        raise ValidationError(
            "Order %(reference)s has shipped and can no longer be cancelled.",
            code="shipped",
            params={"reference": order.reference},
        )
    returned = Counter()
    for variant_id, quantity in order.lines.exclude(variant=None).values_list(
        "variant_id", "quantity"
    ):
        returned[variant_id] += quantity
    variants = list(
        ProductVariant.objects.select_for_update(of=("self",))
        .filter(pk__in=returned)
        .order_by("pk")
    )
    for variant in variants:
        variant.stock += returned[variant.pk]
    ProductVariant.objects.bulk_update(variants, ["stock"])
    order.status = Order.Status.CANCELLED
    order.save(update_fields=["status"])
    transaction.on_commit(
        partial(stock_changed.send, sender=ProductVariant, variant_ids=list(returned))
    )
    return order


def _lock(order: Order) -> Order:
    """The order as it is now, its row locked until the transaction ends."""
    return Order.objects.select_for_update().get(pk=order.pk)
