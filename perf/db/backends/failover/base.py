"""
``FailoverDatabaseWrapper``: Django's PostgreSQL backend that keeps a replica alias answering.

- Connecting, a replica alias tries its own node, then the other replicas, then the primary as
  the last resort, skipping the nodes ``health`` knows are down or lagging; each attempt gives
  up after CONNECT_TIMEOUT seconds (psycopg would wait 130 s by default).
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

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.db.backends.postgresql import base as postgresql
from django.utils.asyncio import async_unsafe
from django.utils.functional import cached_property

from perf.conf import get_config
from perf.db import health, shared_health, sql, topology
from perf.db.backends.failover import dbapi
from perf.db.backends.failover.bounded import deadline_for
from perf.db.backends.failover.connect import connect_within
from perf.db.backends.failover.cursor import FailoverCursorDebugWrapper, FailoverCursorWrapper
from perf.db.backends.failover.errors import LOST, DeadlineErrorWrapper, describe, retry_reason


class FailoverDatabaseWrapper(postgresql.DatabaseWrapper):
    Database = dbapi
    # The node this connection reached (an alias name), None while disconnected, and when.
    node: str | None = None
    connected_at: float = 0.0
    # While a read moves on: the nodes it failed on, and why (the next connection avoids them).
    _failed_nodes: tuple[str, ...] = ()
    _failure_reason: str = ""

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
        outer = self._failed_nodes, self._failure_reason
        try:
            while True:
                try:
                    return super().connect()
                except (postgresql.Database.Error, DatabaseError) as error:
                    failed = self.node
                    cause = error.__cause__ if isinstance(error, DatabaseError) else error
                    reason = retry_reason(cause, self.connection)
                    if failed is None or reason not in LOST or not self.untried_nodes([failed]):
                        raise
                    if reason == "connection_lost":  # a hung node is marked down already
                        health.record_failure(failed, describe(cause))
                    self.connection.close()
                    self.connection = self.node = None
                    self._failed_nodes += (failed,)
                    self._failure_reason = self._failure_reason or "connection_lost"
        finally:
            self._failed_nodes, self._failure_reason = outer

    def get_new_connection(self, conn_params):
        connect = super().get_new_connection
        timeout = get_config()["CONNECT_TIMEOUT"]
        if self.alias not in topology.nodes():
            # A helper alias (Django's test database setup, for one): no failover to do.
            return connect_within(lambda **params: connect(params), conn_params, timeout)
        shared_health.board.ensure_running()
        nodes = self.untried_nodes([])
        skipped = []
        for node in nodes:
            if node != nodes[-1] and not health.try_acquire(node):
                skipped.append(node)
                continue
            params = {**conn_params, **topology.address(node)}
            try:
                connection = connect_within(lambda **params: connect(params), params, timeout)
            except Exception as error:
                # Always settle the attempt, or a half-open node would stay claimed.
                health.record_failure(node, describe(error))
                if node == nodes[-1] or not isinstance(error, postgresql.Database.Error):
                    raise
                continue
            health.record_connected(node, server=f"{connection.info.host}:{connection.info.port}")
            connection.node, connection.deadline = node, deadline_for(node)
            if self._failed_nodes:
                from_node, reason = self._failed_nodes[-1], self._failure_reason
                health.record_failover(self.alias, from_node, node, reason)
            elif node != self.alias:
                reason = "unavailable" if self.alias in skipped else "connect_failed"
                health.record_failover(self.alias, self.alias, node, reason)
            self.node, self.connected_at = node, health.clock()
            return connection

    def untried_nodes(self, failed: list[str]) -> list[str]:
        """The nodes this alias may still connect to, best first, leaving out those a read
        has failed on."""
        avoid = {*self._failed_nodes, *failed}
        return [node for node in topology.candidates(self.alias) if node not in avoid]

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

    def retry_reason(self, error: DatabaseError, statement, cursor) -> str | None:
        """Why the failed ``statement`` may be run again elsewhere, or None when it may not."""
        if self.in_atomic_block or not self.autocommit:
            return None
        if isinstance(cursor, postgresql.Database.ServerCursor) or not sql.is_read(statement):
            return None
        return retry_reason(error.__cause__, self.connection)

    def reconnect_elsewhere(self, failed_nodes: list[str], reason: str):
        """Leave the node a read just failed on (down, if its connection was lost) and return
        a cursor on the best node the read has not failed on yet."""
        if reason == "connection_lost":
            health.record_lost_connection(failed_nodes[-1], self.connected_at)
        self.close()
        self._failed_nodes, self._failure_reason = tuple(failed_nodes), reason
        try:
            self.ensure_connection()
        finally:
            self._failed_nodes, self._failure_reason = (), ""
        return self.create_cursor()

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
