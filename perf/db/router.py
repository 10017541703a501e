"""
``ReplicaRouter``: the reads that may be a little stale go to the replicas, round robin; every
other query goes to the primary.

While the primary is known down, a safe request (``PrimaryPinningMiddleware``) reads every model
from the replicas instead, pinned or not: a moment stale beats not at all (read-only mode,
``perf.db.readonly``).

Which reads may be stale is said in one place, the settings: ``PERF["REPLICA_READ_MODELS"]``
names the models (or whole apps) a replica may serve, ``PERF["PRIMARY_NAMESPACES"]`` the views
that read the primary whatever they read. On top of that, a read goes to the primary when:

- the request (or task) wrote, or the browser wrote a few seconds ago (read-your-writes),
- it runs inside ``atomic()`` on the primary: a replica cannot see the open transaction,
- it runs under ``use_primary()``, or in a request that is not a safe method (its checks guard
  a write),
- it follows an instance loaded from the primary (``refresh_from_db()`` after ``save()``).

With no replicas configured the router answers None everywhere and changes nothing.
"""

import itertools
from typing import Any

from django.db import connections
from django.db.models import Model

from perf.conf import get_config
from perf.db import health, routing, topology
from perf.db.lag import monitor


class ReplicaRouter:
    def __init__(self) -> None:
        self._turn = itertools.count()

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        replicas = topology.replicas()
        if not replicas:
            return None
        primary = topology.primary()
        # Read-only mode: every model from the replicas, but inside a transaction on the primary.
        any_model = routing.reads_replicas_only() and not connections[primary].in_atomic_block
        if scope_reason() and not any_model:
            return primary
        instance = hints.get("instance")
        followed = instance._state.db if instance is not None else None
        # An object read from the primary before it went down is followed on a replica.
        if followed and not (any_model and followed == primary):
            return followed
        if not (any_model or replica_serves(model)):
            return primary
        monitor.ensure_running()
        healthy = [alias for alias in replicas if health.is_routable(alias)]
        if not healthy:
            return primary
        return healthy[next(self._turn) % len(healthy)]

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        if not topology.replicas():
            return None
        routing.pin(replicated_write=replica_serves(model))
        return topology.primary()

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        """Objects read from the primary and from its replicas are the same rows."""
        cluster = set(topology.nodes())
        if obj1._state.db in cluster and obj2._state.db in cluster:
            return True
        return None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        """Migrations run on the primary; the replicas replay them."""
        if db in topology.replicas():
            return False
        return None


def scope_reason() -> str:
    """Why every read here goes to the primary whatever it reads ("" when none must): a pin
    (``routing.primary_reason()``) or a transaction open on the primary, which a replica
    cannot see."""
    if reason := routing.primary_reason():
        return reason
    return "transaction" if connections[topology.primary()].in_atomic_block else ""


def why_primary(model: type[Model] | None) -> str:
    """Why a read of ``model`` that the primary served went there, in the router's order: for
    ``Server-Timing``, which sees the SQL only (``model`` None: raw SQL, never routed)."""
    if not topology.replicas():
        return "no-replicas"
    if reason := scope_reason():
        return reason
    if model is None or not replica_serves(model):
        return "primary-only"
    if not any(health.is_routable(alias) for alias in topology.replicas()):
        return "no-replica-up"
    return "instance"


def replica_serves(model: type[Model]) -> bool:
    """Whether reads of ``model`` may come from a replica (``PERF["REPLICA_READ_MODELS"]``)."""
    allowed = {label.lower() for label in get_config()["REPLICA_READ_MODELS"]}
    return model._meta.app_label in allowed or model._meta.label_lower in allowed
