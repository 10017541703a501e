"""
``/metrics``: the host's metrics in Prometheus' text format, for a scraper or a staff member.

A scraper sends ``Authorization: Bearer <PERF["METRICS_TOKEN"]>`` (the ``METRICS_TOKEN``
variable in the shop). The token is checked before the session is read, so a scrape touches no
database and works while the primary is down; a request with a wrong token gets a 403 without
the session being looked at either. Without the header, a staff session will do. Anyone else
gets a 403, not a 404: the URL is in the project's documentation, and a scraper with a stale
token should be told so rather than sent looking for a moved endpoint.
"""

import hmac

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from perf.conf import get_config
from perf.metrics.host import host_registry
from perf.metrics.state import StateCollector


def is_allowed(request: HttpRequest) -> bool:
    authorization = request.headers.get("Authorization")
    if authorization is not None:
        token = get_config()["METRICS_TOKEN"]
        scheme, _, given = authorization.partition(" ")
        return (
            bool(token)
            and scheme == "Bearer"
            and hmac.compare_digest(given.encode(), token.encode())
        )
    return request.user.is_staff


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not is_allowed(request):
        return HttpResponseForbidden("Send a staff session or Authorization: Bearer <token>.\n")
    registry = host_registry()
    registry.register(StateCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
