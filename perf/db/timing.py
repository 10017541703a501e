"""
``ServerTimingMiddleware``: every response says which database nodes served its reads, and what.

    Server-Timing: db;dur=2.31;desc="7 queries",
        db-default;dur=0.40;desc="2 reads";kinds="sessions:primary-only=1 catalog:pin-cookie=1",
        db-replica2;dur=1.52;desc="5 reads";kinds="catalog=5"

``db`` totals every query of the request; one ``db-<node>`` entry per node that served reads
counts them, and its ``kinds`` parameter splits them by what they read (the app of the model,
``perf.db.tables``) and, on the primary, why they went there (``router.why_primary``: a pin, a
transaction, a model only the primary serves); that split is made only while
``PERF["DIAGNOSTIC_HEADERS"]`` is on (the load tests' mode), so that an ordinary request does not
parse every statement for a header nobody reads. Nodes are named by their alias (``default`` is
the primary), never by host, so the header is safe to send to browsers; a load test counts each
node's share of reads from it, and the same counts add up on the ``/perf/`` page. Place it
first in MIDDLEWARE so every query of the request, the session's included, is counted.
"""

import time
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import ExitStack

import psycopg
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse

from perf.conf import get_config
from perf.db import health, sql, tables, topology
from perf.db.router import why_primary
from perf.diagnostics import sends_diagnostics


class QueryTimer:
    """An execute wrapper (installed on every alias) that times each query and notes which node
    served it."""

    def __init__(self, *, classify: bool) -> None:
        self.classify = classify
        self.queries = 0
        self.milliseconds = 0.0
        self.reads: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
        # (node, kind, why it read the primary: "" on a replica) -> reads
        self.kinds: Counter[tuple[str, str, str]] = Counter()

    def __call__(self, execute, statement, params, many, context):
        start = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            elapsed = (time.perf_counter() - start) * 1000
            self.queries += 1
            self.milliseconds += elapsed
            if sql.is_read(statement):
                connection = context["connection"]
                node = served_by(connection)
                count = self.reads[node]
                count[0] += 1
                count[1] += elapsed
                if self.classify:
                    model = tables.model_read(statement)
                    self.kinds[node, tables.kind(model), reason(model, connection, node)] += 1

    def header(self) -> str:
        entries = [f'db;dur={self.milliseconds:.2f};desc="{self.queries} queries"']
        for node, (count, milliseconds) in sorted(self.reads.items()):
            kinds = " ".join(
                f"{kind}:{reason}={n}" if reason else f"{kind}={n}"
                for (at, kind, reason), n in sorted(self.kinds.items())
                if at == node
            )
            entries.append(f'db-{node};dur={milliseconds:.2f};desc="{count} reads";kinds="{kinds}"')
        return ", ".join(entries)


def served_by(connection: BaseDatabaseWrapper) -> str:
    """The node behind ``connection``: the failover backend knows it; Django's stock backend
    with a multi-host string is asked which host it reached."""
    node = getattr(connection, "node", None)
    if node:
        return node
    if connection.vendor == "postgresql" and connection.connection is not None:
        try:
            info = connection.connection.info
            return topology.node_at(info.host, info.port) or connection.alias
        except psycopg.Error:  # the connection died under the query
            pass
    return connection.alias


def reason(model, connection: BaseDatabaseWrapper, node: str) -> str:
    """Why a read of ``model`` that ``node`` served went to the primary ("" on a replica): a
    replica alias whose nodes were all down fell back to it, or the router sent it there."""
    if node != topology.primary():
        return ""
    return "failover" if connection.alias != node else why_primary(model)


class ServerTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timer = QueryTimer(classify=get_config()["DIAGNOSTIC_HEADERS"])
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(timer))
            response = self.get_response(request)
        health.record_reads({node: (int(n), ms) for node, (n, ms) in timer.reads.items()})
        if not sends_diagnostics(request):
            return response
        existing = response.get("Server-Timing")
        response["Server-Timing"] = f"{existing}, {timer.header()}" if existing else timer.header()
        return response
