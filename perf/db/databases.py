"""
``DATABASES`` for a primary and its streaming replicas, with the failover strategy chosen.

``failover="backend"`` (the default) runs every PostgreSQL node on the failover backend.
``failover="libpq"`` is the baseline it is measured against: Django's stock backend, each
replica alias given a libpq multi-host string (its own replica first, the other replicas, then
the primary) with ``target_session_attrs=prefer-standby`` and ``load_balance_hosts=random``.
libpq picks a live host when it connects, but a connection that dies under a query raises.

``parse_url`` reads a database URL, libpq's multi-host form included: a primary given as
``postgres://user@host1:5432,host2:5432/shop?target_session_attrs=read-write`` is found again by
libpq after a promotion, without a restart (docs/chaos.md).
"""

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import dj_database_url

FAILOVER_ENGINE = "perf.db.backends.failover"
STOCK_ENGINE = "django.db.backends.postgresql"
FAILOVER_STRATEGIES = ("backend", "libpq")
# libpq rounds any connect_timeout below 2 seconds up to 2.
LIBPQ_SHORTEST_TIMEOUT = 2


def parse_url(url: str, **settings: Any) -> dict[str, Any]:
    """``dj_database_url.parse``, which refuses several hosts, extended to them: HOST and PORT
    become libpq's comma-separated lists (a host without a port gets 5432)."""
    parts = urlsplit(url)
    userinfo, at, hosts = parts.netloc.rpartition("@")
    if "," not in hosts:
        return dj_database_url.parse(url, **settings)
    addresses = [
        host.rsplit(":", 1) if ":" in host else [host, "5432"] for host in hosts.split(",")
    ]
    first = userinfo + at + ":".join(addresses[0])
    entry = dj_database_url.parse(urlunsplit(parts._replace(netloc=first)), **settings)
    entry["HOST"] = ",".join(host for host, _ in addresses)
    entry["PORT"] = ",".join(port for _, port in addresses)
    return entry


def replicated_databases(
    primary: dict[str, Any], replicas: list[dict[str, Any]], *, failover: str = "backend"
) -> dict[str, dict[str, Any]]:
    """``{"default": primary, "replica1": ..., ...}`` wired for ``failover``."""
    if failover not in FAILOVER_STRATEGIES:
        raise ValueError(f"failover must be one of {FAILOVER_STRATEGIES}, not {failover!r}.")
    databases = {"default": primary}
    databases |= {f"replica{number}": replica for number, replica in enumerate(replicas, 1)}
    if primary["ENGINE"] != STOCK_ENGINE:
        return databases
    if failover == "backend":
        return {alias: {**entry, "ENGINE": FAILOVER_ENGINE} for alias, entry in databases.items()}
    return {"default": with_options(primary, connect_timeout=LIBPQ_SHORTEST_TIMEOUT)} | {
        alias: multi_host(databases[alias], [*others(alias, databases), primary])
        for alias in databases
        if alias != "default"
    }


def others(alias: str, databases: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [entry for name, entry in databases.items() if name not in {alias, "default"}]


def multi_host(entry: dict[str, Any], fallbacks: list[dict[str, Any]]) -> dict[str, Any]:
    hosts = [entry, *fallbacks]
    entry = {
        **entry,
        "HOST": ",".join(host["HOST"] for host in hosts),
        "PORT": ",".join(str(host["PORT"] or 5432) for host in hosts),
    }
    return with_options(
        entry,
        target_session_attrs="prefer-standby",
        load_balance_hosts="random",
        connect_timeout=LIBPQ_SHORTEST_TIMEOUT,
    )


def with_options(entry: dict[str, Any], **options: Any) -> dict[str, Any]:
    return {**entry, "OPTIONS": {**entry.get("OPTIONS", {}), **options}}
