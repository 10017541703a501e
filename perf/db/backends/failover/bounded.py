"""
``BoundedConnection``: a psycopg connection that waits for its server no longer than a deadline.

A hung server (its processes stopped, a frozen VM, ``docker pause``) keeps its sockets: the kernel
accepts and acknowledges, keepalives succeed, ``statement_timeout`` is the stopped server's to
enforce and a cancel request goes to the same stopped postmaster. Only the client can end the
wait, so every wait of this connection for its server (psycopg's ``Connection.wait``: a
statement, a fetch, a commit) gives up after ``deadline`` seconds, or as soon as another
connection of the process has found the node down (``health``, until the node is due for its
next try): the node then gets
PROBE_TIMEOUT seconds to answer a new connection, unless it is known down already:

- no answer: the node is hung. The connection is closed, the node marked down and ``NodeHung``
  raised; the failover backend retries a read on another node.
- an answer: the statement is only slow (a report, a row lock). Where slow statements are
  cancelled (a request: ``perf.db.deadlines``) it is cancelled and ``StatementTooSlow`` raised,
  with the connection left usable and the node up; elsewhere it runs on, and the node is asked
  again at each further deadline.

The deadline costs nothing per statement but psycopg's own timeout check, and a look at
``health`` every ``_WAIT_INTERVAL`` (0.1 s) of waiting: no thread, no timer.
"""

import time
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
                return self._wait_while_up(gen, interval)
            except _WaitTimeout:
                pass
            if not self._node_answers():
                self._abandon(self._unanswered("nor to a new connection"), record=True)
            if cancels_slow_statements():
                self._cancel(gen, interval)

    def _wait_while_up(self, gen: Any, interval: float) -> Any:
        """Wait up to ``deadline`` seconds, a slice at a time, and no longer once the node is
        known down: the connection that found it hung (or gone) has marked it so, and another
        wait on it would only end the same way, a probe later."""
        ends = time.monotonic() + self.deadline
        while True:
            if self.node is not None and health.is_cooling_down(self.node):
                self._abandon("no answer yet, and found down by another connection")
            try:
                return super().wait(
                    gen, interval, max(0.001, min(interval, ends - time.monotonic()))
                )
            except _WaitTimeout:
                if time.monotonic() >= ends:
                    raise

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
            self._abandon(self._unanswered("nor to its cancel"), record=True)
        except psycopg.Error as error:
            raise StatementTooSlow(message) from error
        raise StatementTooSlow(message)

    def _unanswered(self, neither: str) -> str:
        probe_timeout = get_config()["PROBE_TIMEOUT"]
        return f"no answer within {self.deadline:g} s, {neither} within {probe_timeout:g} s"

    def _abandon(self, message: str, *, record: bool = False) -> NoReturn:
        """Close the connection and raise ``NodeHung``; ``record``: mark the node down (not
        when it is known down already, which would only put its next try off)."""
        message += ": node hung"
        # The socket stays open on a hung server: closing is the client's to do, and libpq's
        # non-blocking goodbye cannot wait on it.
        self.close()
        if record and self.node is not None:
            health.record_failure(self.node, message, hung=True)
        raise NodeHung(f"{message}, connection closed")


def deadline_for(node: str) -> float:
    """The seconds each wait for ``node`` may take."""
    config = get_config()
    return config["PRIMARY_DEADLINE"] if node == topology.primary() else config["REPLICA_DEADLINE"]
