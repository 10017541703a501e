"""
System checks (``manage.py check``, and before ``runserver`` and ``migrate``) for what ``perf``
needs of a project's settings and would otherwise only show as wrong numbers or a runtime error.

- ``perf.E001``: ``perf``'s middleware in the order their docstrings give.
- ``perf.E002``: ``ReplicaRouter`` in ``DATABASE_ROUTERS`` when ``PERF["REPLICAS"]`` names any.
- ``perf.E003``: no ``OPTIONS["pool"]`` on a database that uses the failover engine.
- ``perf.E004``: every ``PERF["HOLE_NAMESPACES"]`` path imports.
"""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.utils.module_loading import import_string

from perf.conf import get_config
from perf.db.databases import FAILOVER_ENGINE

TIMING = "perf.db.timing.ServerTimingMiddleware"
PINNING = "perf.db.pinning.PrimaryPinningMiddleware"
DEADLINES = "perf.db.deadlines.DeadlineMiddleware"
READ_ONLY = "perf.db.readonly.ReadOnlyMiddleware"
SESSIONS = "django.contrib.sessions.middleware.SessionMiddleware"
AUTHENTICATION = "django.contrib.auth.middleware.AuthenticationMiddleware"
ROUTER = "perf.db.router.ReplicaRouter"

#: (above, below, why): when both are in MIDDLEWARE, ``above`` must come first.
MIDDLEWARE_ORDER = [
    (PINNING, READ_ONLY, "a pinned request must read the primary before read-only mode judges it"),
    (PINNING, SESSIONS, "the session's reads must follow the request's pin"),
    (PINNING, AUTHENTICATION, "the user's reads must follow the request's pin"),
    (DEADLINES, SESSIONS, "the session's slow statements must be cancelled at the deadline"),
    (READ_ONLY, SESSIONS, "a write must get its 503 before the session is read"),
]


@register(Tags.compatibility)
def check_middleware_order(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    middleware = list(settings.MIDDLEWARE)
    errors = []
    if TIMING in middleware and middleware[0] != TIMING:
        errors.append(
            Error(
                f"{TIMING} is not first in MIDDLEWARE: the queries of the middleware above it "
                "are not counted in Server-Timing.",
                hint=f"Move {TIMING} to the top of MIDDLEWARE.",
                id="perf.E001",
            )
        )
    positions = {path: index for index, path in enumerate(middleware)}
    errors += [
        Error(
            f"{above} is below {below} in MIDDLEWARE: {why}.",
            hint=f"Move {above} above {below}.",
            id="perf.E001",
        )
        for above, below, why in MIDDLEWARE_ORDER
        if positions.get(above, -1) > positions.get(below, len(middleware))
    ]
    return errors


@register(Tags.database)
def check_router(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    replicas = get_config()["REPLICAS"]
    if not replicas or ROUTER in settings.DATABASE_ROUTERS:
        return []
    return [
        Error(
            f"PERF['REPLICAS'] names {', '.join(replicas)} but DATABASE_ROUTERS does not list "
            f"{ROUTER}: every query goes to the primary and the replicas serve nothing.",
            hint=f'Add DATABASE_ROUTERS = ["{ROUTER}"], or leave PERF["REPLICAS"] empty.',
            id="perf.E002",
        )
    ]


@register(Tags.database)
def check_no_pool_with_failover(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    return [
        Error(
            f"DATABASES[{alias!r}] uses {FAILOVER_ENGINE} with OPTIONS['pool']: a pool makes "
            "requests wait the pool's timeout on a dead node instead of failing over.",
            hint="Remove OPTIONS['pool'] and reuse connections with CONN_MAX_AGE instead.",
            id="perf.E003",
        )
        for alias, database in settings.DATABASES.items()
        if database.get("ENGINE") == FAILOVER_ENGINE and database.get("OPTIONS", {}).get("pool")
    ]


@register()
def check_hole_namespaces(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    for path in get_config()["HOLE_NAMESPACES"]:
        try:
            import_string(path)
        except ImportError as error:
            errors.append(
                Error(
                    f"PERF['HOLE_NAMESPACES'] lists {path!r}, which does not import: {error}",
                    hint="Give the dotted path of a callable taking the request and returning "
                    "the namespaces its page's holes read (e.g. 'cart.cache.hole_namespaces').",
                    id="perf.E004",
                )
            )
    return errors
