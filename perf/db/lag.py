"""
How far each replica is behind the primary, measured in the background of each process every
LAG_CHECK_INTERVAL seconds, with one small query per node.

In bytes: the primary's current WAL position minus what the replica has replayed, both read with
``pg_wal_lsn_diff``. In seconds: how long ago the primary stood where the replica stands now,
from the positions the monitor saw on the primary (so known to within one interval). Not from
``pg_last_xact_replay_timestamp()``: it stops moving while the primary is idle, and a replica
that has replayed everything would look further behind with every quiet second.

The monitor runs in a daemon thread of its own, started by the first read the router sends to a
replica (so after gunicorn forks its workers): a hung node delays the monitor, never a request.
Each query has the node's own deadline (``backends/failover/bounded.py``), so a hung node holds
up the others' measurements by at most that and the probe that marks it down; it is then skipped
until a request's connection finds it back. The monitor keeps its own connection to each node,
on the maintenance database (as Django's test runner does): its queries never count among a
request's, and it never holds a session on the application database, which a test run drops at
the end.
"""

import logging
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from perf.conf import get_config
from perf.db import health, topology
from perf.db.backends.failover.bounded import BoundedConnection, deadline_for
from perf.db.connect import connect_within

logger = logging.getLogger("perf.db")

# WAL positions as byte offsets, so that they compare and subtract in Python.
PRIMARY_POSITION = "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')"
REPLICA_POSITION = "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')"
# Primary positions kept to date a replica's: at the default interval, over five minutes.
HISTORY = 160


def seconds_behind(history: deque[tuple[float, int]], replayed: int, now: float) -> float:
    """How long ago the primary stood at ``replayed``, from ``(time, position)`` samples, the
    newest last: zero when the replica has replayed the newest, else the age of the newest
    sample it has replayed (or of the oldest kept, when it has replayed none)."""
    if replayed >= history[-1][1]:
        return 0.0
    for sampled_at, position in reversed(history):
        if position <= replayed:
            return now - sampled_at
    return now - history[0][0]


class LagMonitor:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._connections: dict[str, psycopg.Connection] = {}
        # Nodes the monitor could not ask: logged once, until it can again.
        self._unknown: set[str] = set()
        self._history: deque[tuple[float, int]] = deque(maxlen=HISTORY)

    def ensure_running(self) -> None:
        """Start the monitor unless it runs in this process (a forked worker starts its own)."""
        if self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stopping.clear()
                self._thread = threading.Thread(
                    target=self._run, name="perf-db-lag-monitor", daemon=True
                )
                self._thread.start()

    def stop(self) -> None:
        """Stop measuring and close the monitor's connections (the next read starts it again)."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()
        self.close()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.measure()
            except Exception:  # the monitor must outlive any surprise
                logger.exception("event=lag_monitor_error")
            self._stopping.wait(get_config()["LAG_CHECK_INTERVAL"])

    def measure(self) -> None:
        """Measure every replica on the failover backend once, and report it to ``health``."""
        with self._lock:
            replicas = [node for node in topology.replicas() if topology.uses_failover(node)]
            if not replicas:
                return
            position = self._query(topology.primary(), PRIMARY_POSITION)
            if position is None:
                return
            now = health.clock()
            self._history.append((now, int(position)))
            for replica in replicas:
                replayed = self._query(replica, REPLICA_POSITION)
                if replayed is not None:
                    lag_bytes = max(0, int(position) - int(replayed))
                    lag_seconds = seconds_behind(self._history, int(replayed), now)
                    health.record_lag(replica, lag_bytes, round(lag_seconds, 3))

    def _query(self, node: str, sql: str) -> Any:
        """The value ``sql`` returns on ``node``, or None when it cannot answer. Whether a node
        is down is for the connections that serve requests to find out: the monitor only notes
        that it cannot tell the lag (a node known to be down is not even asked), unless the node
        hangs, which its connection's deadline reports like any other."""
        if not health.is_up(node):
            return None
        if node in self._connections:
            try:
                return self._connections[node].execute(sql).fetchone()[0]
            except psycopg.Error:
                # The node may have restarted since the monitor connected: ask again, afresh,
                # unless it was just found hung.
                self.close(node)
                if not health.is_up(node):
                    return None
        try:
            value = self._connect(node).execute(sql).fetchone()[0]
        except psycopg.Error as error:
            self.close(node)
            if node not in self._unknown:
                self._unknown.add(node)
                health.log(logging.WARNING, "lag_unknown", node=node, error=health.describe(error))
            return None
        self._unknown.discard(node)
        return value

    def _connect(self, node: str) -> psycopg.Connection:
        config = get_config()
        params = {
            **config["TCP_PARAMS"],
            **topology.address(node),
            "dbname": config["LAG_MONITOR_DATABASE"],
            "application_name": "perf lag monitor",
            "autocommit": True,
        }
        connection = connect_within(BoundedConnection.connect, params, config["CONNECT_TIMEOUT"])
        connection.node, connection.deadline = node, deadline_for(node)
        self._connections[node] = connection
        return connection

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Keep the monitor from measuring inside this block (tests that set health by hand)."""
        with self._lock:
            yield

    def close(self, node: str | None = None) -> None:
        """Close the monitor's connection to ``node``, or all of them."""
        with self._lock:
            if node is None:
                self._unknown.clear()
                self._history.clear()
            for name in [node] if node else list(self._connections):
                connection = self._connections.pop(name, None)
                if connection is not None:
                    connection.close()


monitor = LagMonitor()
