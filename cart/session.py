"""
Which cart a request is shopping with.

A signed-in user has one cart, found by user. An anonymous visitor's cart is a ``Cart`` row with no
user whose id the session keeps; it is created on the first add, not on every page view, so browsing
never writes. On log-in the anonymous cart is merged into the user's (see ``receivers``).

The cart is looked up once per request and remembered on it, so the mini-cart and the page share
the query.
"""

from django.http import HttpRequest

from cart.models import Cart

SESSION_KEY = "cart_id"
_REQUEST_ATTR = "_cart"


def get_cart(request: HttpRequest) -> Cart | None:
    """Return the request's cart, or None if it has none yet (without creating one)."""
    if not hasattr(request, _REQUEST_ATTR):
        setattr(request, _REQUEST_ATTR, _find_cart(request))
    return getattr(request, _REQUEST_ATTR)


def get_or_create_cart(request: HttpRequest) -> Cart:
    """Return the request's cart, creating it (and remembering an anonymous one) if needed."""
    cart = get_cart(request)
    if cart is None:
        if request.user.is_authenticated:
            cart, _ = Cart.objects.get_or_create(user=request.user)
        else:
            cart = Cart.objects.create()
            request.session[SESSION_KEY] = cart.pk
        setattr(request, _REQUEST_ATTR, cart)
    return cart


def pop_anonymous_cart(request: HttpRequest) -> Cart | None:
    """Detach the session's anonymous cart from the request and return it (used on log-in)."""
    cart_id = request.session.pop(SESSION_KEY, None)
    if hasattr(request, _REQUEST_ATTR):
        delattr(request, _REQUEST_ATTR)
    if cart_id is None:
        return None
    return Cart.objects.filter(pk=cart_id, user=None).first()


def _find_cart(request: HttpRequest) -> Cart | None:
    if request.user.is_authenticated:
        return Cart.objects.filter(user=request.user).first()
    cart_id = request.session.get(SESSION_KEY)
    if cart_id is None:
        return None
    # user=None: an anonymous session can only ever reach an anonymous cart.
    return Cart.objects.filter(pk=cart_id, user=None).first()
