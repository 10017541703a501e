"""
The one place where ``perf`` reads its options.

A project sets only what it changes in ``settings.PERF`` (a dict); everything else comes from
``CONFIG_DEFAULTS`` below, where each option says what it does. ``get_config()`` merges the two once
and is cleared when a test overrides ``PERF``, like whitenoise and django-debug-toolbar do.
"""

from functools import cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

CONFIG_DEFAULTS: dict[str, Any] = {
    # --- Replicas and failover (perf.db; docs/replicas-and-failover.md) -----------------------
    # The database alias of the primary, and the aliases of its streaming replicas. No replicas:
    # the router changes nothing.
    "PRIMARY": "default",
    "REPLICAS": (),
    # Which reads may be served a little stale by a replica: app labels ("catalog") or models
    # ("catalog.product"). Every other model is read from the primary.
    "REPLICA_READ_MODELS": (),
    # URL namespaces whose views read the primary only, whatever model they read.
    "PRIMARY_NAMESPACES": ("admin",),
    # After a write to a model a replica serves, the browser reads the primary for this many
    # seconds, through a signed cookie of this name.
    "PIN_SECONDS": 5,
    "PIN_COOKIE_NAME": "perf_primary",
    # Seconds a connection attempt may take before the node counts as down.
    "CONNECT_TIMEOUT": 1.0,
    # Seconds a node that failed is skipped before one connection tries it again (half-open).
    "FAILOVER_COOLDOWN": 5.0,
    # Seconds a statement may wait for its node's answer, on a replica and on the primary. A hung
    # server keeps its sockets open (the kernel still acknowledges, keepalives succeed, and
    # statement_timeout is the stopped server's to enforce), so only the client can end the wait.
    "REPLICA_DEADLINE": 1.0,
    "PRIMARY_DEADLINE": 1.0,
    # When a deadline passes, a new connection to the node, given this many seconds, tells a hung
    # node (its connection closed, the node marked down) from a slow statement on a node that
    # answers (cancelled in a request; left to run elsewhere: perf/db/deadlines.py).
    "PROBE_TIMEOUT": 0.5,
    # URL namespaces whose slow statements run on past the deadline while their node answers
    # (long admin reports); a hung node still ends them.
    "LONG_STATEMENT_NAMESPACES": ("admin",),
    # libpq parameters of every connection to a node (a database's OPTIONS win): keepalives on
    # idle connections and a bound on unacknowledged data (milliseconds), so the kernel ends the
    # connections of a node cut off by the network instead of leaving them open for hours.
    "TCP_PARAMS": {
        "keepalives": 1,
        "keepalives_idle": 5,
        "keepalives_interval": 1,
        "keepalives_count": 3,
        "tcp_user_timeout": 5000,
    },
    # The processes of a host share what they learn about node health through this cache alias
    # (None: each process learns on its own). A background thread reads it every
    # SHARED_HEALTH_INTERVAL seconds and writes a change at once; requests never wait on it.
    "SHARED_HEALTH_CACHE_ALIAS": "default",
    "SHARED_HEALTH_INTERVAL": 0.25,
    # A replica further behind the primary than this (bytes of WAL or seconds) serves no reads
    # until it catches up; each process measures it once per LAG_CHECK_INTERVAL seconds.
    "MAX_LAG_BYTES": 16 * 1024 * 1024,
    "MAX_LAG_SECONDS": 10.0,
    "LAG_CHECK_INTERVAL": 2.0,
    # The database the lag monitor connects to on each node: the maintenance database, so it
    # never holds a session on the application's.
    "LAG_MONITOR_DATABASE": "postgres",
    # Send X-Cache and Server-Timing to every visitor, not only to staff (perf/diagnostics.py):
    # for load tests and benchmarks; in public they tell what others searched for.
    "DIAGNOSTIC_HEADERS": False,
    # Read-only mode (perf.db.readonly): the template of the 503 page that writes get while the
    # primary is down, rendered without a request (plain text if it does not exist). Its
    # Retry-After is FAILOVER_COOLDOWN, when the primary is next tried.
    "READ_ONLY_TEMPLATE": "503.html",
    # URL namespaces among PRIMARY_NAMESPACES whose pages (safe methods) are served from the
    # replicas while the primary is down, every model read there, instead of the 503 page.
    "READ_ONLY_NAMESPACES": (),
    # Seconds between refreshes of the /perf/ status page (and points of its charts).
    "STATUS_REFRESH_SECONDS": 2,
    # The bearer token a Prometheus scraper sends to /metrics (perf/metrics/views.py); empty:
    # only staff sessions may read it.
    "METRICS_TOKEN": "",
    # --- Multi-level data cache (perf.cache) --------------------------------------------------
    # False turns the data cache off: every read computes from the database (env PERF_DATA_CACHE=0).
    "DATA_CACHE": True,
    # The Django cache alias used as the shared level (L2): django-redis in production.
    "CACHE_ALIAS": "default",
    # L1, in each process: at most this many entries, each kept at most this many seconds. The
    # short TTL bounds memory and staleness of un-namespaced keys; namespaced keys stay coherent
    # across processes through their generation (see perf/cache/generations.py).
    "L1_MAX_ENTRIES": 5000,
    "L1_TTL": 30,
    # A data object is fresh this many seconds, then served stale for STALE_TTL more seconds while
    # one process recomputes it.
    "DATA_TTL": 3600,
    "STALE_TTL": 600,
    # Stampede control: a recompute lock expires after LOCK_TIMEOUT seconds (a crashed holder never
    # blocks a key for longer); a request waits at most LOCK_WAIT seconds for another's recompute of
    # a missing key, then computes it itself.
    "LOCK_TIMEOUT": 10,
    "LOCK_WAIT": 2.0,
    # After an error from L2 (Redis down), skip it for this many seconds: reads go to the database
    # instead of each paying a connection timeout. The same cooldown applies to every Redis server
    # behind perf.cache.redis_client.CircuitBreakerRedis (the session store's too).
    "L2_RETRY_AFTER": 5,
    # Meanwhile each process keeps pages and data for this many seconds, under their bare key.
    # A change made elsewhere drops them within OUTBOX_DRAIN_INTERVAL (through the outbox); this
    # bounds what the outbox cannot report. All are dropped when Redis answers again
    # (perf/cache/down.py). 0: nothing is cached while L2 is down.
    "L2_DOWN_TTL": 10,
    # Each process remembers the generations it read, at most GENERATION_MAX_ENTRIES of them for at
    # most GENERATION_TTL seconds, and forgets one as soon as Redis reports a change to it
    # (CLIENT TRACKING, Redis 6+; perf/cache/tracking.py): a cached page then costs no round
    # trip. False reads them from Redis on every lookup. Only a django-redis L2 is tracked.
    "GENERATION_TRACKING": True,
    # A generation counter lives this many seconds after it is first stored under; an expired one
    # comes back at a higher value, which only retires entries (they are recomputed). Reads never
    # create counters, so a flood of requests for pages that do not exist writes nothing.
    "GENERATION_TIMEOUT": 24 * 3600,
    # Every process applies the invalidations that another could not (Redis was down when it
    # tried; perf/cache/outbox.py) at most this often, with one query on the primary before it
    # reads generations. None: never (the tests that do not watch it).
    "OUTBOX_DRAIN_INTERVAL": 2.0,
    "GENERATION_TTL": 5,
    "GENERATION_MAX_ENTRIES": 10_000,
    # --- Two-pass page cache (perf.twopass) ----------------------------------------------------
    # False turns the page cache off: views render as plain Django views (env PERF_PAGE_CACHE=0).
    "PAGE_CACHE": True,
    "PAGE_TTL": 3600,
    "PAGE_L1_MAX_ENTRIES": 500,
    # Part of every page key: change it on a deploy that changes what views put in their context.
    # Template changes need nothing: the key holds a hash of the template files.
    "PAGE_VERSION": "",
    # Query parameters left out of page keys (never read by views: analytics tags).
    "PAGE_IGNORED_QUERY_PARAMS": (
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "utm_term",
        "utm_content",
        "gclid",
        "fbclid",
    ),
    # Context processors allowed in pass one: they read nothing personal. Every other processor's
    # names are replaced by guards that raise when a pass-one template touches them.
    "PASS_ONE_CONTEXT_PROCESSORS": (
        "django.template.context_processors.request",
        "django.template.context_processors.i18n",
        "django.template.context_processors.static",
        "django.template.context_processors.media",
        "django.template.context_processors.tz",
    ),
    # Dotted paths of callables taking the request and returning the cache namespaces that the
    # page's holes will read (the visitor's cart, their recently viewed products): a two-pass view
    # reads their generations with the page's own, in one round trip.
    "HOLE_NAMESPACES": (),
    # Dotted paths of callables returning the shop's CacheRebuilders, used by `rebuild_cache`.
    "CACHE_REBUILDERS": (),
}


@cache
def get_config() -> dict[str, Any]:
    return {**CONFIG_DEFAULTS, **getattr(settings, "PERF", {})}


@receiver(setting_changed)
def _clear_config(*, setting: str, **kwargs: Any) -> None:
    if setting == "PERF":
        get_config.cache_clear()
