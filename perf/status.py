"""
The staff-only status page (``/perf/``), the liveness probe (``/healthz``) and the readiness
probe (``/readyz``).

The page is a list of ``SECTIONS``, each a title, a template and a function returning plain
data; ``?format=json`` returns the same data for scripts. A new section is one more entry in
that list, written here. Its counts are the host's: every gunicorn worker's, summed from the
files prometheus_client keeps for ``/metrics`` (``perf.metrics.host``), so each refresh shows
the same picture whichever worker serves it; states (a node down, a breaker open) are the
serving worker's, which the workers share (``perf.db.shared_health``). A small script polls the
page, swaps its sections and charts the last minutes (``perf/static/perf/status.js``); without
scripts, a meta refresh reloads it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.mixins import UserPassesTestMixin
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from perf.cache import shared_cache
from perf.cache.breaker import server_breakers
from perf.cache.report import cache_levels
from perf.conf import get_config
from perf.db import health, topology
from perf.db.readonly import is_read_only
from perf.metrics.activity import host_activity
from perf.metrics.host import Samples, host_samples


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    template: str
    data: Callable[[], Any]


def database_nodes() -> dict[str, Any]:
    """Each node's role, state and lag, and the host's counts of its reads and failovers."""
    config = get_config()
    states = health.snapshot(topology.nodes())
    counts = node_counts(host_samples())
    primary_server = next(s["server"] for s in states if s["name"] == topology.primary())
    nodes = []
    for state in states:
        engine = connections.settings.get(state["name"], {}).get("ENGINE", "?")
        nodes.append(
            {
                **state,
                **{key: values.get(state["name"], 0) for key, values in counts.items()},
                "role": role(state["name"], primary_server),
                "engine": engine.rsplit(".", 1)[-1],
                "state": node_state(state),
            }
        )
    return {
        "nodes": nodes,
        "settings": {
            key: config[key]
            for key in (
                "CONNECT_TIMEOUT",
                "FAILOVER_COOLDOWN",
                "MAX_LAG_BYTES",
                "MAX_LAG_SECONDS",
                "PIN_SECONDS",
            )
        },
    }


def node_counts(samples: Samples) -> dict[str, dict[str, float]]:
    """Reads, their time and failovers of every node, by node."""
    read_seconds = samples.by("perf_db_read_seconds_total", "node")
    return {
        "reads": {node: int(n) for node, n in samples.by("perf_db_reads_total", "node").items()},
        "read_ms": {node: round(s * 1000, 1) for node, s in read_seconds.items()},
        "failovers": {
            node: int(n) for node, n in samples.by("perf_db_failovers_total", "from_node").items()
        },
    }


def role(node: str, primary_server: str) -> str:
    """The node's role; a replica alias whose server is where the primary is now was promoted
    (its reads go to the primary until DATABASE_REPLICA_URLS changes)."""
    if node != topology.primary() and primary_server and node in connections.settings:
        address = topology.address(node)
        own = ":".join(topology.first(address.get(part, "")) for part in ("host", "port"))
        if own == primary_server:
            return "promoted: the primary now"
    return topology.role(node)


def node_state(state: dict[str, Any]) -> str:
    if not state["up"]:
        return "trying" if state["probing"] else "down"
    return "lagging" if state["lagging"] else "up"


SECTIONS = [
    Section("host", "This host, the last minutes", "perf/sections/host.html", host_activity),
    Section("databases", "Databases", "perf/sections/databases.html", database_nodes),
    Section("cache", "Cache levels", "perf/sections/cache.html", cache_levels),
]


# The live charts (perf/static/perf/status.js), each drawn from the host's totals.
CHARTS = [
    ("reads", "Reads per node (/s)"),
    ("failovers", "Failovers (/s)"),
    ("errors", "Errors (/s): 5xx responses, node failures, cache errors"),
    ("hits", "Cache hit ratio"),
]


@method_decorator(never_cache, name="dispatch")
class StatusView(UserPassesTestMixin, View):
    """Anonymous visitors are sent to log in; users who are not staff get a 403."""

    def test_func(self) -> bool:
        return self.request.user.is_staff

    def get(self, request: HttpRequest) -> HttpResponse:
        data = {section.key: section.data() for section in SECTIONS}
        if request.GET.get("format") == "json":
            return JsonResponse(data)
        sections = [(section, data[section.key]) for section in SECTIONS]
        context = {
            "sections": sections,
            "totals": data["host"]["totals"],
            "charts": CHARTS,
            "refresh": get_config()["STATUS_REFRESH_SECONDS"],
        }
        return render(request, "perf/status.html", context)


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. It touches no database, session or cache, so a database
    outage never gets healthy workers restarted."""
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness, as this process has found its servers (it probes none, so it never waits on a
    hung one): 200 ``ok``; 200 ``degraded`` with what is wrong while pages are still served (a
    replica down, Redis down, the primary down: read-only); 503 ``unavailable`` when no
    database node answers, so no page can be served. A degraded shop stays in rotation: every
    process shares its servers, so taking it out would only turn degraded into down."""
    nodes = {state["name"]: node_state(state) for state in health.snapshot(topology.nodes())}
    breakers = [*server_breakers().values(), shared_cache().breaker]
    open_breakers = [breaker.name for breaker in breakers if breaker.is_open]
    problems = [f"{name} {state}" for name, state in nodes.items() if state != "up"]
    problems += [f"{name} down" for name in sorted(open_breakers)]
    if all(state in {"down", "trying"} for state in nodes.values()):
        status = "unavailable"
    else:
        status = "degraded" if problems else "ok"
    data = {"status": status, "read_only": is_read_only(), "problems": problems, "nodes": nodes}
    return JsonResponse(data, status=503 if status == "unavailable" else 200)
