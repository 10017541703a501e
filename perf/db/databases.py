"""
``DATABASES`` for a primary and its streaming replicas, with the failover strategy chosen.

``failover="backend"`` (the default) runs every PostgreSQL node on the failover backend.
``failover="libpq"`` is the baseline it is measured against: Django's stock backend, each
replica alias given a libpq multi-host string (its own replica first, the other replicas, then
the primary) with ``target_session_attrs=prefer-standby`` and ``load_balance_hosts=random``.
libpq picks a live host when it connects, but a connection that dies under a query raises.
"""

from typing import Any

FAILOVER_ENGINE = "perf.db.backends.failover"
STOCK_ENGINE = "django.db.backends.postgresql"
FAILOVER_STRATEGIES = ("backend", "libpq")
# libpq rounds any connect_timeout below 2 seconds up to 2.
LIBPQ_SHORTEST_TIMEOUT = 2


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
