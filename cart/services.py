"""
Writes to carts and orders: adding to a cart, changing and removing lines, merging an anonymous
cart into a user's, and placing an order.

Every write locks the cart row first, so two requests for one cart (a double click, two tabs)
queue instead of racing; placing an order then locks the variants' stock rows in primary-key
order, so concurrent checkouts of the same products queue instead of deadlocking or overselling.
Failures a shopper can fix raise ``ValidationError`` with a message meant for them.
"""

from collections.abc import Mapping
from datetime import timedelta
from functools import partial
from uuid import UUID

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cart.emails import send_order_confirmation
from cart.models import MAX_LINE_QUANTITY, Cart, CartLine, Order, OrderLine
from catalog.models import ProductVariant
from catalog.signals import stock_changed


@transaction.atomic
def cart_add(*, cart: Cart, variant: ProductVariant, quantity: int) -> CartLine:
    """Add ``quantity`` of ``variant`` to ``cart``, on top of what the cart already holds."""
    _lock(cart)
    line = cart.lines.filter(variant=variant).first()
    total = quantity + (line.quantity if line else 0)
    _check_purchasable(variant, total)
    if line is None:
        return CartLine.objects.create(cart=cart, variant=variant, quantity=total)
    line.quantity = total
    line.save(update_fields=["quantity"])
    return line


@transaction.atomic
def cart_set_quantity(*, cart: Cart, variant: ProductVariant, quantity: int) -> CartLine:
    """Set the quantity of the line of ``variant`` already in ``cart``."""
    _lock(cart)
    line = cart.lines.filter(variant=variant).first()
    if line is None:
        raise ValidationError("This item is not in your cart.", code="not_in_cart")
    _check_purchasable(variant, quantity)
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    return line


@transaction.atomic
def cart_remove(*, cart: Cart, variant: ProductVariant) -> None:
    _lock(cart)
    cart.lines.filter(variant=variant).delete()


@transaction.atomic
def cart_merge(*, source: Cart, target: Cart) -> None:
    """Move the lines of ``source`` into ``target`` (quantities summed, capped), then delete it.

    Stock is not checked here: the shopper sees any shortage on the cart page and checkout refuses
    it, which beats silently dropping items they chose before logging in.
    """
    for cart in sorted((source, target), key=lambda cart: cart.pk):
        _lock(cart)
    held = {line.variant_id: line for line in target.lines.all()}
    for line in source.lines.all():
        if line.variant_id in held:
            kept = held[line.variant_id]
            kept.quantity = min(kept.quantity + line.quantity, MAX_LINE_QUANTITY)
            kept.save(update_fields=["quantity"])
        else:
            CartLine.objects.create(cart=target, variant_id=line.variant_id, quantity=line.quantity)
    source.delete()


@transaction.atomic
def place_order(
    *,
    cart: Cart,
    user: AbstractBaseUser,
    shipping: Mapping[str, str],
    checkout_token: UUID,
) -> Order:
    """Turn ``cart`` into a paid order for ``user``, taking the stock, in one transaction; once
    it commits, the confirmation email goes out (``cart.emails``).

    ``checkout_token`` comes from the checkout form: submitting one form twice returns the order the
    first submit placed. Prices come from the database, never from the form. If any line cannot be
    bought, nothing changes and the ValidationError lists every such line.
    """
    # The cart lock makes a double submit wait here for the first one, then find its order.
    Cart.objects.select_for_update().get(pk=cart.pk, user=user)
    placed = Order.objects.filter(checkout_token=checkout_token).first()
    if placed is not None:
        if placed.user_id != user.pk:
            raise ValidationError("This checkout form has expired; please submit it again.")
        return placed

    quantities = dict(cart.lines.values_list("variant_id", "quantity"))
    if not quantities:
        raise ValidationError("Your cart is empty.", code="empty_cart")
    variants = list(
        ProductVariant.objects.select_for_update(of=("self",))
        .select_related("product")
        .filter(pk__in=quantities)
        .order_by("pk")
    )
    problems = [
        error
        for variant in variants
        if (error := _purchase_problem(variant, quantities[variant.pk])) is not None
    ]
    if problems:
        raise ValidationError(problems)

    for variant in variants:
        variant.stock -= quantities[variant.pk]
    ProductVariant.objects.bulk_update(variants, ["stock"])
    order = Order.objects.create(
        user=user,
        checkout_token=checkout_token,
        total=sum(variant.price * quantities[variant.pk] for variant in variants),
        **shipping,
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            variant=variant,
            product_name=variant.product.name,
            variant_name=variant.name,
            sku=variant.sku,
            unit_price=variant.price,
            quantity=quantities[variant.pk],
        )
        for variant in variants
    )
    cart.lines.all().delete()
    transaction.on_commit(
        partial(stock_changed.send, sender=ProductVariant, variant_ids=list(quantities))
    )
    # robust: whatever goes wrong in the email, the order has committed and the shopper gets it.
    transaction.on_commit(partial(send_order_confirmation, order_id=order.pk), robust=True)
    return order


def _lock(cart: Cart) -> None:
    """Lock the cart row, and record the activity ``delete_abandoned_carts`` goes by: an UPDATE
    holds the row lock until commit, as SELECT ... FOR UPDATE would."""
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())


def delete_abandoned_carts(*, idle_for: timedelta) -> int:
    """Delete anonymous carts untouched for ``idle_for``; return how many went.

    An anonymous cart is reachable only through its visitor's session, so once the session has
    expired the cart is garbage. A user's cart is kept whatever its age.
    """
    abandoned = Cart.objects.filter(user=None, updated_at__lt=timezone.now() - idle_for)
    _, by_model = abandoned.delete()
    return by_model.get(Cart._meta.label, 0)


def _check_purchasable(variant: ProductVariant, quantity: int) -> None:
    if quantity > MAX_LINE_QUANTITY:
        raise ValidationError(
            "You can buy at most %(max)d of one item.",
            code="max_quantity",
            params={"max": MAX_LINE_QUANTITY},
        )
    error = _purchase_problem(variant, quantity)
    if error is not None:
        raise error


def _purchase_problem(variant: ProductVariant, quantity: int) -> ValidationError | None:
    if not (variant.is_active and variant.product.is_active):
        return ValidationError(
            "%(item)s is no longer available.", code="unavailable", params={"item": variant}
        )
    if variant.stock == 0:
        return ValidationError(
            "Sorry, %(item)s is out of stock.", code="out_of_stock", params={"item": variant}
        )
    if quantity > variant.stock:
        return ValidationError(
            "Sorry, only %(stock)d of %(item)s left in stock.",
            code="out_of_stock",
            params={"stock": variant.stock, "item": variant},
        )
    return None
