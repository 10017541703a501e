"""
Read-only mode: while the primary is down or hung, what needs it answers a clear 503 at once.

Catalog pages, search and the signed-in header go on from the replicas and the caches, and so
do the pages of ``PERF["READ_ONLY_NAMESPACES"]`` (the cart, the order history): a safe request
reads every model from the replicas meanwhile (``perf.db.router``), and ``request.read_only`` is
True for the templates to say so and disable what writes. What cannot work without the primary
is a write, or a page of the other ``PERF["PRIMARY_NAMESPACES"]`` (the admin). Those get the 503
page ("the shop is read-only for a moment; your cart is safe") with ``Retry-After``, never a 500
and never a worker stuck on a dead server:

- ``ReadOnlyMiddleware`` answers a request that is not a safe method, or whose view is in
  ``PERF["PRIMARY_NAMESPACES"]`` but not in ``PERF["READ_ONLY_NAMESPACES"]``, without touching
  the database while ``health`` knows the primary is down and not yet due for another try. After
  ``FAILOVER_COOLDOWN`` seconds requests go through again and reach the primary: the mode ends by
  itself as soon as it answers.
- An error saying that a database could not be reached or answered in time (``OperationalError``,
  ``InterfaceError``) becomes the same 503, whether a view raised it (``process_exception``) or
  code outside the views did, such as a session saved by middleware (``server_error``, the
  project's ``handler500``). That covers the first request after the primary died, before
  ``health`` knows. A safe request that failed so is served once more, from the replicas, when
  the failure has marked the primary down: no page that a replica can serve fails.

Nothing is lost: the transaction of a write that failed rolls back, and a cart lives in the
database, which the read-only requests did not touch.
"""

import logging
import math
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.views import defaults

from perf.conf import get_config
from perf.db import health, routing, topology
from perf.db.pinning import SAFE_METHODS

UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)
MESSAGE = "The shop is read-only for a moment; your cart is safe. Please try again shortly."


def is_read_only() -> bool:
    """Whether the primary is known down and not yet due for another try."""
    return not health.is_routable(topology.primary())


def read_only_response() -> HttpResponse:
    """The 503 page, rendered without the request or the database (they may be what failed)."""
    config = get_config()
    try:
        content = render_to_string(config["READ_ONLY_TEMPLATE"])
        content_type = "text/html; charset=utf-8"
    except TemplateDoesNotExist:
        content, content_type = MESSAGE + "\n", "text/plain; charset=utf-8"
    response = HttpResponse(content, status=503, content_type=content_type)
    response["Retry-After"] = str(math.ceil(config["FAILOVER_COOLDOWN"]))
    response["Cache-Control"] = "no-store"
    return response


class ReadOnlyMiddleware:
    """Place it below ``PrimaryPinningMiddleware`` and above the session middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.read_only = is_read_only()
        if request.read_only and request.method not in SAFE_METHODS:
            return read_only_response()
        response = self.get_response(request)
        if getattr(request, "_primary_failed", False) and is_read_only():
            # The primary failed under this page and is known down now: serve it again, once,
            # from the replicas, as the next request would be.
            request.read_only, request._primary_failed = True, False
            with routing.routing_scope(primary_down=True):
                response = self.get_response(request)
        return response

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: tuple, view_kwargs: dict
    ) -> HttpResponse | None:
        if not request.read_only:
            return None
        config = get_config()
        namespaces = set(request.resolver_match.namespaces)
        if namespaces & set(config["PRIMARY_NAMESPACES"]) - set(config["READ_ONLY_NAMESPACES"]):
            return read_only_response()
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, UNAVAILABLE_ERRORS):
            health.log(logging.WARNING, "read_only", path=request.path, error=str(exception))
            safe = request.method in SAFE_METHODS
            request._primary_failed = safe and not request.read_only
            return read_only_response()
        return None


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """``handler500``: the 503 page for a database that could not be reached, else Django's."""
    if isinstance(sys.exc_info()[1], UNAVAILABLE_ERRORS):
        return read_only_response()
    return defaults.server_error(request, template_name)
