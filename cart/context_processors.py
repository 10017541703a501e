"""
The mini-cart in the page header.

It depends on the request alone, never on a view's context, so the page cache can render the header
for each visitor into a page cached for everyone. It is lazy, and its numbers come from the data
cache (``cart.cache``): a page that shows it usually pays no query.
"""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from cart.cache import minicart_summary


def minicart(request: HttpRequest) -> dict:
    return {"minicart": SimpleLazyObject(lambda: minicart_summary(request))}
