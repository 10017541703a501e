"""
The nodes behind the database aliases: which alias is the primary, which are its replicas, and
where a replica alias may connect when its own node is down.

A node is named after the alias that points at it (``default``, ``replica1``...), so logs, the
status page and ``Server-Timing`` speak of aliases, never of hosts.
"""

from django.db import connections

from perf.conf import get_config
from perf.db.databases import FAILOVER_ENGINE


def primary() -> str:
    return get_config()["PRIMARY"]


def replicas() -> list[str]:
    return list(get_config()["REPLICAS"])


def nodes() -> list[str]:
    return [primary(), *replicas()]


def role(node: str) -> str:
    return "primary" if node == primary() else "replica"


def uses_failover(alias: str) -> bool:
    """Whether the alias runs on the failover backend. Only those report their nodes' health
    and have their lag measured: the libpq baseline's replicas are never skipped, as libpq must
    fail over on its own."""
    return connections.settings.get(alias, {}).get("ENGINE") == FAILOVER_ENGINE


def candidates(alias: str) -> list[str]:
    """
    The nodes ``alias`` may connect to, best first: its own, then the other replicas in turn,
    then the primary as the last resort. An alias that is not a replica has only itself.
    """
    replica_nodes = replicas()
    if alias not in replica_nodes:
        return [alias]
    start = replica_nodes.index(alias)
    return [*replica_nodes[start:], *replica_nodes[:start], primary()]


def address(node: str) -> dict[str, str]:
    """The connection parameters that differ between the nodes of one cluster (the database
    name is the same on every node of a streaming cluster, so it is not among them). A node
    given as several hosts keeps them all, with its ``target_session_attrs``: a primary listed
    with its standbys and ``read-write`` is reached wherever it is after a promotion."""
    settings_dict = connections.settings[node]
    params = {
        "host": settings_dict["HOST"],
        "port": str(settings_dict["PORT"] or ""),
        "user": settings_dict["USER"],
        "password": settings_dict["PASSWORD"],
        "target_session_attrs": settings_dict.get("OPTIONS", {}).get("target_session_attrs"),
    }
    return {key: value for key, value in params.items() if value}


def node_at(host: str | None, port: int | str | None) -> str | None:
    """The node listening at ``host``:``port``, for connections that do not say which node they
    reached (Django's stock backend with a multi-host string). An alias's node is its first host;
    the libpq baseline lists each replica's own host first for that reason."""
    for node in nodes():
        known = address(node)
        known_port = first(known.get("port", "")) or "5432"
        if first(known.get("host", "")) == host and known_port == str(port):
            return node
    return None


def first(value: str) -> str:
    return value.split(",")[0].strip()
