"""
The mini-cart in the page header.

It depends on the request alone, never on a view's context, so the page cache can render the header
for each visitor into a page cached for everyone. It is lazy: a page that does not show it pays no
query, and one that does pays at most two (the cart, then one aggregate over its lines).
"""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from cart.selectors import cart_summary
from cart.session import get_cart


def minicart(request: HttpRequest) -> dict:
    return {"minicart": SimpleLazyObject(lambda: cart_summary(get_cart(request)))}
