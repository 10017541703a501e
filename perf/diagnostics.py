"""
Who is sent the diagnostic headers, ``X-Cache`` and ``Server-Timing``.

They are what a load test reads and what a developer wants in the browser's network panel, and
they tell strangers too much: a hit or a miss tells whether somebody searched a term lately, and
the timing names the database nodes and counts the queries. So they go to staff only, unless
``PERF["DIAGNOSTIC_HEADERS"]`` sends them to everybody (the benchmarks turn it on).
"""

from django.http import HttpRequest

from perf.conf import get_config


def sends_diagnostics(request: HttpRequest) -> bool:
    if get_config()["DIAGNOSTIC_HEADERS"]:
        return True
    # Set by the authentication middleware; absent on a request it never saw (a 404 from
    # CommonMiddleware's redirect, say).
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_staff)
