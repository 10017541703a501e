"""
``cached_reverse()``: the URL of a view that takes no arguments, reversed once and remembered.

Pass two renders the holes of a cached page on every request, and most holes link somewhere
fixed (the cart, log-in, sign-up). Django's ``reverse()`` walks the URL patterns each time: for
the header and mini-cart of a product page it was about a third of pass two. The result depends on
the URLconf, the script prefix, the active language (``i18n_patterns``) and the current
application, so all four are in the key; the memo hangs off the URLconf's resolver, which
``clear_url_caches()`` replaces, so a changed URLconf (a test's ``override_settings``, a reload)
starts a new one.
"""

from weakref import WeakKeyDictionary

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.urls.resolvers import URLResolver
from django.utils.translation import get_language

_memos: WeakKeyDictionary[URLResolver, dict[tuple[str, str | None, str, str | None], str]] = (
    WeakKeyDictionary()
)


def cached_reverse(viewname: str, current_app: str | None = None) -> str:
    urlconf = get_urlconf()
    memo = _memos.setdefault(get_resolver(urlconf), {})
    key = (viewname, current_app, get_script_prefix(), get_language())
    try:
        return memo[key]
    except KeyError:
        url = memo[key] = reverse(viewname, urlconf, current_app=current_app)
        return url
