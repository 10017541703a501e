"""
``PrimaryPinningMiddleware``: read-your-writes across requests.

Each request runs in its own routing scope. It reads the primary throughout when it is not a
safe method (its reads check what it is about to write), when its view is in one of
``PERF["PRIMARY_NAMESPACES"]``, or when the browser carries the pin cookie (unless the primary
is known down: read-only mode); and from its first write on. A safe request that begins while
the primary is known down reads the replicas instead, every model (``perf.db.router``). A request
that wrote to a model the replicas serve sets the pin: a signed cookie valid
``PERF["PIN_SECONDS"]``, longer than replication normally lags, so the next page shows the change
even if a replica has not replayed it yet. A write to a model that only the primary serves (a
cart, a session) sets no pin: no replica read could miss it.

Place it above ``SessionMiddleware`` so the session's and the user's reads are in the scope.
"""

from collections.abc import Callable

from django.core import signing
from django.http import HttpRequest, HttpResponse

from perf.conf import get_config
from perf.db import health, routing, topology

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
SALT = "perf.db.pinning"


class PrimaryPinningMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        safe, primary_up = request.method in SAFE_METHODS, primary_answers()
        if not safe:
            pinned, reason = True, "unsafe-method"
        else:
            pinned, reason = has_pin(request) and primary_up, "pin-cookie"
        down = safe and not primary_up
        with routing.routing_scope(pinned=pinned, reason=reason, primary_down=down) as state:
            response = self.get_response(request)
        if state.wrote_replicated:
            config = get_config()
            response.set_signed_cookie(
                config["PIN_COOKIE_NAME"],
                "1",
                salt=SALT,
                max_age=config["PIN_SECONDS"],
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: tuple, view_kwargs: dict
    ) -> None:
        namespaces = set(request.resolver_match.namespaces)
        if namespaces & set(get_config()["PRIMARY_NAMESPACES"]):
            routing.pin(reason="namespace")


def primary_answers() -> bool:
    """Whether the primary may be read. While it is known down, a browser's pin is not honoured:
    a page a moment stale from a replica beats a read-only 503 for a page that can be served."""
    return health.is_routable(topology.primary())


def has_pin(request: HttpRequest) -> bool:
    """Whether the browser wrote less than PIN_SECONDS ago (the signature carries the time, so
    an old or forged cookie does not count)."""
    config = get_config()
    try:
        request.get_signed_cookie(
            config["PIN_COOKIE_NAME"], salt=SALT, max_age=config["PIN_SECONDS"]
        )
    except (KeyError, signing.BadSignature):
        return False
    return True
