"""Reads the cart pages, the mini-cart and the order history share."""

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import DecimalField, F, Prefetch, QuerySet, Sum

from cart.models import Cart, CartLine, Order
from catalog.models import ProductImage


@dataclass(frozen=True)
class CartSummary:
    count: int
    subtotal: Decimal


EMPTY_SUMMARY = CartSummary(count=0, subtotal=Decimal("0.00"))


def cart_summary(cart_id: int, *, user_id: int | None) -> CartSummary:
    """Item count and subtotal of cart ``cart_id`` in one query, if ``user_id`` owns it (None: an
    anonymous cart); an empty summary otherwise."""
    owner = {"cart__user_id": user_id} if user_id is not None else {"cart__user__isnull": True}
    totals = CartLine.objects.filter(cart_id=cart_id, **owner).aggregate(
        count=Sum("quantity", default=0),
        subtotal=Sum(
            F("quantity") * F("variant__price"),
            output_field=DecimalField(max_digits=12, decimal_places=2),
            default=Decimal("0.00"),
        ),
    )
    return CartSummary(count=totals["count"], subtotal=totals["subtotal"])


def cart_lines(cart: Cart | None) -> list[CartLine]:
    """The lines of ``cart`` with their variant, product and first image, in two queries."""
    if cart is None:
        return []
    return list(
        cart.lines.select_related("variant__product").prefetch_related(
            Prefetch(
                "variant__product__images",
                queryset=ProductImage.objects.order_by("position", "id"),
            )
        )
    )


def cart_is_empty(cart: Cart | None) -> bool:
    return cart is None or not cart.lines.exists()


def orders_for_user(user: AbstractBaseUser) -> QuerySet[Order]:
    return Order.objects.filter(user=user)


def order_for_user(*, user: AbstractBaseUser, number: UUID) -> Order | None:
    """The order with ``number`` if it belongs to ``user``: nobody reaches another's order."""
    return orders_for_user(user).prefetch_related("lines").filter(number=number).first()


def order_for_checkout_token(*, user: AbstractBaseUser, token: UUID) -> Order | None:
    return orders_for_user(user).filter(checkout_token=token).first()
