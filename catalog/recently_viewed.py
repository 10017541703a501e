"""
The products a visitor looked at last, kept in a signed cookie.

Product pages add to it on every view, cached or not; the list is shown in a pass-two hole
(``includes/recently_viewed.html``), so the cached page stays the same for everyone. A cookie
rather than the session: remembering a view writes nothing to the database.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from catalog.namespaces import page_namespace

COOKIE = "recently_viewed"
SALT = "catalog.recently_viewed"
KEEP = 8
MAX_AGE = 30 * 24 * 3600
_REQUEST_ATTR = "_recently_viewed"


def viewed_slugs(request: HttpRequest) -> tuple[str, ...]:
    """The slugs in the visitor's cookie, most recent first; none if it was tampered with.

    The signature is checked once per request, and the result remembered on the request next to
    the cookie it came from: the product view and the pass-two hole both ask, and checking it was
    most of the hole's cost on a cached page. The cookie itself is read every time, so pass one's
    guard still catches a cached page that reads it.
    """
    signed = request.COOKIES.get(COOKIE)
    memo = getattr(request, _REQUEST_ATTR, None)
    if memo is None or memo[0] != signed:
        value = request.get_signed_cookie(COOKIE, default="", salt=SALT, max_age=MAX_AGE)
        memo = (signed, tuple(slug for slug in value.split(",") if slug)[:KEEP])
        setattr(request, _REQUEST_ATTR, memo)
    return memo[1]


def remember(request: HttpRequest, response: HttpResponseBase, slug: str) -> None:
    """Put ``slug`` first in the cookie, if the product page was shown."""
    if response.status_code != 200:
        return
    slugs = viewed_slugs(request)
    if slugs[:1] == (slug,):
        return
    slugs = [slug, *(other for other in slugs if other != slug)][:KEEP]
    response.set_signed_cookie(
        COOKIE,
        ",".join(slugs),
        salt=SALT,
        max_age=MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def hole_namespaces(request: HttpRequest) -> list[str]:
    """What the "Recently viewed" hole will read (``PERF["HOLE_NAMESPACES"]``): the details of
    the products in the cookie."""
    return [page_namespace(slug) for slug in viewed_slugs(request)]
