"""
``RequestMetricsMiddleware``: each request's duration, by the name of the URL it matched.

Labelled by URL name (``catalog:product``), never by path: a shop has a few dozen names and
millions of paths, and Prometheus keeps a series per label value. A request no URL matched (a
404, a static file whitenoise served) counts as ``<unresolved>``. Place it right below
``ServerTimingMiddleware`` (which must be first), so the time covers every other middleware.
"""

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from perf.metrics.families import REQUEST_DURATION, series

UNRESOLVED = "<unresolved>"


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        view = request.resolver_match.view_name if request.resolver_match else UNRESOLVED
        status = f"{response.status_code // 100}xx"
        series(REQUEST_DURATION, view, status).observe(time.perf_counter() - start)
        return response
