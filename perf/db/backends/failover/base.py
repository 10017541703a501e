"""
``FailoverDatabaseWrapper``: Django's PostgreSQL backend that keeps a replica alias answering.

- Connecting, a replica alias tries its own node, then the other replicas, then the primary as
  the last resort, skipping the nodes ``health`` knows are down or lagging; each attempt gives
  up after CONNECT_TIMEOUT seconds (psycopg would wait 130 s by default). The last node is
  tried even when known down (a refusal is immediate, and a multi-host primary may have moved),
  unless it hung: then the attempt fails at once, instead of waiting the timeout again.
- A read outside a transaction whose connection died, or that a recovery conflict cancelled,
  is retried on another node, each node at most once, the primary last (``cursor.py``). Writes
  and reads inside a transaction are never retried: their errors reach the caller as they are.
- Between requests, a connection that failed over returns to its own node as soon as that node
  may be tried again, so a restarted replica takes its share back within the cooldown.
- Every wait for a node ends at a deadline kept by the client (``bounded.py``): a hung node is
  abandoned and marked down, a slow statement cancelled in a request; either raises
  ``perf.db.QueryDeadlineExceeded`` when no retry answers. TCP keepalives and
  ``tcp_user_timeout`` (TCP_PARAMS) end the idle connections of a node cut off by the network.

Persistent connections (``CONN_MAX_AGE``) are the way to reuse connections here: Django's
``OPTIONS["pool"]`` would make a request wait on the pool's timeout when a node dies.
"""

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.db.backends.postgresql import base as postgresql
from django.utils.asyncio import async_unsafe
from django.utils.functional import cached_property

from perf.conf import get_config
from perf.db import health, shared_health, sql, topology
from perf.db.backends.failover import dbapi
from perf.db.backends.failover.bounded import deadline_for
from perf.db.backends.failover.cursor import FailoverCursorDebugWrapper, FailoverCursorWrapper
from perf.db.backends.failover.errors import LOST, DeadlineErrorWrapper, retry_reason
from perf.db.connect import connect_within
from perf.db.health import describe


@dataclass(frozen=True)
class Detour:
    """The nodes a read or a connection has failed on, in order, and why the first failed: the
    next connection avoids them and logs the failover with that reason."""

    failed: tuple[str, ...] = ()
    reason: str = ""

    def past(self, node: str, reason: str) -> "Detour":
        return Detour((*self.failed, node), self.reason or reason)


class FailoverDatabaseWrapper(postgresql.DatabaseWrapper):
    Database = dbapi
    # The node this connection reached (an alias name), None while disconnected, and when.
    node: str | None = None
    connected_at: float = 0.0
    # While a read or a connection moves on (set by ``_detouring`` only).
    _detour: Detour = Detour()

    def get_connection_params(self):
        if self.settings_dict["OPTIONS"].get("pool"):
            raise ImproperlyConfigured(
                f"DATABASES[{self.alias!r}] uses the failover backend with OPTIONS['pool']: a "
                "pool makes requests wait its timeout on a dead node. Use CONN_MAX_AGE instead."
            )
        return {**get_config()["TCP_PARAMS"], **super().get_connection_params()}

    @async_unsafe
    def connect(self):
        """Connect, moving on to the next node if this one dies before the connection is ready
        (a node being stopped may accept a connection, then drop it during Django's setup)."""
        detour = self._detour
        while True:
            try:
                with self._detouring(detour):
                    return super().connect()
            except (postgresql.Database.Error, DatabaseError) as error:
                failed = self.node
                cause = error.__cause__ if isinstance(error, DatabaseError) else error
                reason = retry_reason(cause, self.connection)
                if failed is None or reason not in LOST:
                    raise
                if not self.untried_nodes(avoid=[*detour.failed, failed]):
                    raise
                if reason == "connection_lost":  # a hung node is marked down already
                    health.record_failure(failed, describe(cause))
                self.connection.close()
                self.connection = self.node = None
                detour = detour.past(failed, "connection_lost")

    def get_new_connection(self, conn_params):
        connect = super().get_new_connection
        timeout = get_config()["CONNECT_TIMEOUT"]
        if self.alias not in topology.nodes():
            # A helper alias (Django's test database setup, for one): no failover to do.
            return connect_within(lambda **params: connect(params), conn_params, timeout)
        shared_health.board.ensure_running()
        nodes = self.untried_nodes([])
        skipped = []
        failure: Exception | None = None
        for node in nodes:
            # The last node is tried even when known down, a refusal costs nothing and a multi-host
            # primary may be elsewhere now; not when it hung, which would cost a timeout again.
            if not health.try_acquire(node) and (node != nodes[-1] or health.is_hung(node)):
                skipped.append(node)
                continue
            params = {**conn_params, **topology.address(node)}
            try:
                connection = connect_within(lambda **params: connect(params), params, timeout)
            except Exception as error:
                # Always settle the attempt, or a half-open node would stay claimed.
                timed_out = isinstance(error, postgresql.Database.errors.ConnectionTimeout)
                health.record_failure(node, describe(error), hung=timed_out)
                if node == nodes[-1] or not isinstance(error, postgresql.Database.Error):
                    raise
                failure = error
                continue
            health.record_connected(node, server=f"{connection.info.host}:{connection.info.port}")
            connection.node, connection.deadline = node, deadline_for(node)
            if self._detour.failed:
                from_node, reason = self._detour.failed[-1], self._detour.reason
                health.record_failover(self.alias, from_node, node, reason)
            elif node != self.alias:
                reason = "unavailable" if self.alias in skipped else "connect_failed"
                health.record_failover(self.alias, self.alias, node, reason)
            self.node, self.connected_at = node, health.clock()
            return connection
        if failure is not None:
            raise failure
        # Every node is known down and not yet due for its next try, the last one hung: it would
        # hold this attempt until the connect timeout, to fail as its last attempt did.
        raise postgresql.Database.OperationalError(
            f"{self.alias}: no node to connect to, each known down ({', '.join(skipped)})"
        )

    def untried_nodes(self, avoid: Iterable[str] = ()) -> list[str]:
        """The nodes this alias may still connect to, best first, leaving out those the
        current detour has failed on and ``avoid``."""
        left_out = {*self._detour.failed, *avoid}
        return [node for node in topology.candidates(self.alias) if node not in left_out]

    @contextlib.contextmanager
    def _detouring(self, detour: Detour) -> Iterator[None]:
        """Connections made inside avoid ``detour.failed``: the one way a detour reaches
        ``get_new_connection``, which Django calls without arguments of ours."""
        outer, self._detour = self._detour, detour
        try:
            yield
        finally:
            self._detour = outer

    def _close(self):
        self.node = None
        return super()._close()

    @cached_property
    def wrap_database_errors(self):
        return DeadlineErrorWrapper(self)

    def make_cursor(self, cursor):
        return FailoverCursorWrapper(cursor, self)

    def make_debug_cursor(self, cursor):
        return FailoverCursorDebugWrapper(cursor, self)

    def cursor_elsewhere(self, error: DatabaseError, statement: str, cursor, *, tried: list[str]):
        """A cursor on the best node that ``statement`` has not failed on (``tried``, in order),
        or None when it must not move: a write, a read inside a transaction, an error that is
        not the node's, or no node left.

        Moving closes ``cursor`` and the connection, marking the node down if its connection was
        lost under the read.
        """
        reason = self._retry_reason(error, statement, cursor)
        if reason is None or not self.untried_nodes(avoid=tried):
            return None
        with contextlib.suppress(Exception):
            cursor.close()
        if reason == "connection_lost":
            health.record_lost_connection(tried[-1], self.connected_at)
        self.close()
        with self._detouring(Detour(tuple(tried), reason)):
            self.ensure_connection()
        return self.create_cursor()

    def record_if_lost(self, error: DatabaseError) -> None:
        """Mark the node down when ``error``, not retried, says its connection died under the
        statement (a write, or a read with no node left): the next request need not find out."""
        reason = retry_reason(error.__cause__, self.connection)
        if reason == "connection_lost" and self.node is not None:
            health.record_lost_connection(self.node, self.connected_at)

    def _retry_reason(self, error: DatabaseError, statement: str, cursor) -> str | None:
        """Why the failed ``statement`` may be run again elsewhere, or None when it may not."""
        if self.in_atomic_block or not self.autocommit:
            return None
        if isinstance(cursor, postgresql.Database.ServerCursor) or not sql.is_read(statement):
            return None
        return retry_reason(error.__cause__, self.connection)

    def close_if_health_check_failed(self):
        """Before each use, drop a connection that a deadline or the server closed, so the next
        statement reconnects (to another node, if this one is down) instead of failing too."""
        if self.connection is not None and self.connection.closed and not self.in_atomic_block:
            self.close()
        super().close_if_health_check_failed()

    def close_if_unusable_or_obsolete(self):
        super().close_if_unusable_or_obsolete()
        if self.connection is not None and not self.in_atomic_block and self._should_go_home():
            self.close()

    def _should_go_home(self) -> bool:
        """Whether a connection that failed over should close so the next one reaches a better
        node: its own node may be tried again, or the node it is on now must not serve."""
        if self.node is None or self.alias not in topology.replicas():
            return False
        if self.node != self.alias and health.is_routable(self.alias):
            return True
        return self.node != topology.primary() and not health.is_routable(self.node)


# Django loads an ENGINE's wrapper by this name.
DatabaseWrapper = FailoverDatabaseWrapper
