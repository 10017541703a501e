"""
``BoundedConnection``: a psycopg connection that waits for its server no longer than a deadline.

A hung server (its processes stopped, a frozen VM, ``docker pause``) keeps its sockets: the kernel
accepts and acknowledges, keepalives succeed, ``statement_timeout`` is the stopped server's to
enforce and a cancel request goes to the same stopped postmaster. Only the client can end the
wait, so every wait of this connection for its server (psycopg's ``Connection.wait``: a
statement, a fetch, a commit) gives up after ``deadline`` seconds. The node then gets
PROBE_TIMEOUT seconds to answer a new connection:

- no answer: the node is hung. The connection is closed, the node marked down and ``NodeHung``
  raised; the failover backend retries a read on another node.
- an answer: the statement is only slow (a report, a row lock). Where slow statements are
  cancelled (a request: ``perf.db.deadlines``) it is cancelled and ``StatementTooSlow`` raised,
  with the connection left usable and the node up; elsewhere it runs on, and the node is asked
  again at each further deadline.

The deadline costs nothing per statement but psycopg's own timeout check: no thread, no timer.
"""

from typing import Any, NoReturn

import psycopg
from psycopg.connection import _WAIT_INTERVAL
from psycopg.conninfo import conninfo_to_dict
from psycopg.errors import CancellationTimeout, _WaitTimeout

from perf.conf import get_config
from perf.db import health, topology
from perf.db.connect import connect_within
from perf.db.deadlines import cancels_slow_statements


class DeadlineExpired(psycopg.OperationalError):
    """A wait for the server outlived the connection's deadline."""


class NodeHung(DeadlineExpired):
    """The node answered neither the statement nor a new connection: the connection is closed."""


class StatementTooSlow(DeadlineExpired):
    """The statement ran past its deadline on a node that answers: it was cancelled."""


class BoundedConnection(psycopg.Connection):
    # The node this connection reached and the seconds each wait for it may take (None: as long
    # as it takes); whoever connects sets them.
    node: str | None = None
    deadline: float | None = None

    def wait(self, gen: Any, interval: float = _WAIT_INTERVAL, timeout: float | None = None) -> Any:
        if self.deadline is None or timeout is not None:
            return super().wait(gen, interval, timeout)
        while True:
            try:
                return super().wait(gen, interval, self.deadline)
            except _WaitTimeout:
                pass
            if not self._node_answers():
                self._abandon("nor to a new connection")
            if cancels_slow_statements():
                self._cancel(gen, interval)

    def _node_answers(self) -> bool:
        """Whether the node answers a new connection within PROBE_TIMEOUT. A refusal with a
        SQLSTATE ("too many clients") is an answer; a timeout or a refused socket is not."""
        params: dict[str, Any] = {**conninfo_to_dict(self.info.dsn), "password": self.info.password}
        params["application_name"] = "perf deadline probe"
        try:
            connect_within(psycopg.connect, params, get_config()["PROBE_TIMEOUT"]).close()
        except psycopg.Error as error:
            return error.sqlstate is not None
        return True

    def _cancel(self, gen: Any, interval: float) -> NoReturn:
        """Cancel the statement and collect the server's answer to the cancel. Whether it ended
        cancelled or just finished, it outlived its deadline: the caller gets the same error."""
        message = f"statement ran past its {self.deadline:g} s deadline: cancelled"
        try:
            self.cancel_safe(timeout=get_config()["PROBE_TIMEOUT"])
            super().wait(gen, interval, self.deadline)
        except (_WaitTimeout, CancellationTimeout):
            self._abandon("nor to its cancel")
        except psycopg.Error as error:
            raise StatementTooSlow(message) from error
        raise StatementTooSlow(message)

    def _abandon(self, neither: str) -> NoReturn:
        probe_timeout = get_config()["PROBE_TIMEOUT"]
        message = (
            f"no answer within {self.deadline:g} s, {neither} within {probe_timeout:g} s: node hung"
        )
        # The socket stays open on a hung server: closing is the client's to do, and libpq's
        # non-blocking goodbye cannot wait on it.
        self.close()
        if self.node is not None:
            health.record_failure(self.node, message)
        raise NodeHung(f"{message}, connection closed")


def deadline_for(node: str) -> float:
    """The seconds each wait for ``node`` may take."""
    config = get_config()
    return config["PRIMARY_DEADLINE"] if node == topology.primary() else config["REPLICA_DEADLINE"]
