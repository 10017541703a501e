"""
The mini-cart's numbers, cached through ``perf.cache``, and what invalidates them.

The mini-cart is in the header of every page. Read from the database, it cost every page view of a
shopper with a cart two queries (which cart, then its totals): under load, on cached pages, that
was a quarter of the shop's time. Both are data objects now, in namespaces of their own:

- ``cart_namespace(id)``: a cart's totals. Bumped when the cart or one of its lines changes,
  forgotten when the cart is deleted. The totals also depend on ``catalog.namespaces.LISTINGS``,
  which every change to a variant (its price) bumps.
- ``user_cart_namespace(id)``: which cart a user has. Bumped when a user's cart is saved or
  deleted.

An anonymous visitor's cart id comes from their session, a user's from the cache. The owner is
part of the key and of the query, so a cart's totals are only ever shown to its owner, even if
the cart were given to someone else.
"""

from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest

from cart.models import Cart, CartLine
from cart.selectors import EMPTY_SUMMARY, CartSummary, cart_summary
from cart.session import SESSION_KEY
from catalog.namespaces import LISTINGS
from perf.cache import data_cache, forget, invalidate, shape

SUMMARY_SHAPE = shape(CartSummary)


def cart_namespace(cart_id: int) -> str:
    return f"cart:{cart_id}"


def user_cart_namespace(user_id: int) -> str:
    return f"cart:user:{user_id}"


def hole_namespaces(request: HttpRequest) -> list[str]:
    """What the mini-cart will read (``PERF["HOLE_NAMESPACES"]``), known from the session alone:
    an anonymous visitor's cart, or which cart the signed-in user has."""
    user_id = request.session.get(AUTH_SESSION_KEY)
    if user_id is not None:
        return [user_cart_namespace(user_id)]
    cart_id = request.session.get(SESSION_KEY)
    return [cart_namespace(cart_id), LISTINGS] if cart_id is not None else []


def minicart_summary(request: HttpRequest) -> CartSummary:
    """Item count and subtotal of the request's cart, usually without a query."""
    user_id = request.user.pk if request.user.is_authenticated else None
    cart_id = _user_cart_id(user_id) if user_id is not None else request.session.get(SESSION_KEY)
    if cart_id is None:
        return EMPTY_SUMMARY
    return data_cache().get_or_set(
        f"cart-summary:{SUMMARY_SHAPE}:{cart_id}:{user_id}",
        lambda: cart_summary(cart_id, user_id=user_id),
        namespaces=[cart_namespace(cart_id), LISTINGS],
    )


def _user_cart_id(user_id: int) -> int | None:
    return data_cache().get_or_set(
        f"user-cart:{user_id}",
        lambda: Cart.objects.filter(user_id=user_id).values_list("pk", flat=True).first(),
        namespaces=[user_cart_namespace(user_id)],
    )


# --- Invalidation, after commit ------------------------------------------------------------------


@receiver(post_save, sender=CartLine)
@receiver(post_delete, sender=CartLine)
def cart_line_changed(sender, instance: CartLine, using: str, **kwargs) -> None:
    invalidate(cart_namespace(instance.cart_id), using=using)


@receiver(post_save, sender=Cart)
def cart_saved(sender, instance: Cart, using: str, **kwargs) -> None:
    namespaces = [cart_namespace(instance.pk)]
    if instance.user_id is not None:
        namespaces.append(user_cart_namespace(instance.user_id))
    invalidate(*namespaces, using=using)


@receiver(post_delete, sender=Cart)
def cart_deleted(sender, instance: Cart, using: str, **kwargs) -> None:
    forget(cart_namespace(instance.pk), using=using)
    if instance.user_id is not None:
        invalidate(user_cart_namespace(instance.user_id), using=using)
