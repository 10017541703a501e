"""
What this process knows about each database node: up or down and how far behind; the reads
and failovers it counts go to ``perf.metrics``, which sums them over the host's processes.

The failover backend reports every connection it makes or loses here, and the router and the
backend ask here before they use a node. A node that failed is skipped for FAILOVER_COOLDOWN
seconds; then one connection may try it (half-open) while the others keep skipping it, and it
rejoins when that attempt succeeds. The registry lives in each process, guarded by a lock as
requests run in threads, so asking it never waits on anything; ``shared_health`` copies each
node's last change to and from the other processes of the host in the background, so one
worker's discovery spares the others. Every change of state writes one ``key=value`` log line on
the ``perf.db`` logger, in the process that found it.
"""

import json
import logging
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any

from perf.conf import get_config
from perf.metrics.families import (
    DB_FAILOVERS,
    DB_NODE_FAILURES,
    DB_READ_SECONDS,
    DB_READS,
    series,
)

logger = logging.getLogger("perf.db")
# Names ``extra`` may not use: a record's own attributes.
RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

# The clock of every deadline here; tests replace it to step through a cooldown.
clock = time.monotonic
# The clock other processes share, to date the changes they exchange.
wall_clock = time.time


@dataclass
class NodeHealth:
    name: str
    up: bool = True
    # When the node last came back: a connection older than that died with the old server.
    up_since: float = float("-inf")
    down_since: float | None = None
    retry_at: float = 0.0
    # One connection is trying the node after its cooldown; the others keep skipping it.
    probing: bool = False
    last_error: str = ""
    # The last failure was a wait that timed out (a hung node, or packets dropped): trying the
    # node again costs a timeout, where a refused connection costs nothing.
    hung: bool = False
    # When (wall clock) the node last went up or down, or its cooldown restarted, as far as this
    # process knows: the newer of its own finding and the other processes' wins.
    changed_at: float = 0.0
    # The host:port a connection to the node last reached: where a multi-host primary is now.
    server: str = ""
    lag_bytes: int | None = None
    lag_seconds: float | None = None
    lagging: bool = False


_lock = threading.Lock()
_nodes: dict[str, NodeHealth] = {}
# Set on every change this process finds, so that it is shared at once.
changed = threading.Event()
# Changes older than the last reset() are forgotten, wherever they come from.
_reset_at = 0.0


def _node(name: str) -> NodeHealth:
    # Callers hold _lock.
    if name not in _nodes:
        _nodes[name] = NodeHealth(name)
    return _nodes[name]


def is_routable(name: str) -> bool:
    """Whether reads may be sent to the node: up and caught up, or due for its half-open try."""
    node = _nodes.get(name)
    if node is None:
        return True
    if node.lagging:
        return False
    return node.up or (not node.probing and clock() >= node.retry_at)


def is_up(name: str) -> bool:
    """Whether the node answers, lagging or not."""
    node = _nodes.get(name)
    return node is None or node.up


def try_acquire(name: str) -> bool:
    """Whether this connection may try the node now; after a cooldown only one caller may."""
    with _lock:
        node = _node(name)
        if node.lagging:
            return False
        if node.up:
            return True
        if node.probing or clock() < node.retry_at:
            return False
        node.probing = True
        return True


def record_connected(name: str, server: str = "") -> None:
    with _lock:
        node = _node(name)
        node.probing = False
        node.server = server or node.server
        if node.up:
            return
        node.up = True
        node.up_since = clock()
        down_for = node.up_since - node.down_since if node.down_since is not None else 0.0
        node.down_since = None
        node.changed_at = wall_clock()
    changed.set()
    log(logging.INFO, "node_up", node=name, down_for=round(down_for, 2))


def is_cooling_down(name: str) -> bool:
    """Whether the node is down and not yet due for its next try."""
    node = _nodes.get(name)
    return node is not None and not node.up and clock() < node.retry_at


def is_hung(name: str) -> bool:
    """Whether the node is down and its last failure was a timeout."""
    node = _nodes.get(name)
    return node is not None and not node.up and node.hung


def record_failure(name: str, error: str, *, hung: bool = False) -> None:
    with _lock:
        node = _node(name)
        was_up = node.up
        node.probing = False
        node.up = False
        node.last_error = error
        node.hung = hung
        node.retry_at = clock() + get_config()["FAILOVER_COOLDOWN"]
        if was_up:
            node.down_since = clock()
        node.changed_at = wall_clock()
    series(DB_NODE_FAILURES, name).inc()
    changed.set()
    event = "node_down" if was_up else "node_still_down"
    log(logging.WARNING, event, node=name, error=error)


def record_lost_connection(name: str, connected_at: float) -> None:
    """A connection to the node died under a query. That is news only when the node is
    believed up and the connection was made since it last came back; otherwise the node is
    already being skipped, or the connection outlived a restart the node has recovered from."""
    node = _nodes.get(name)
    if node is None or (node.up and connected_at >= node.up_since):
        record_failure(name, "connection lost")


def record_failover(alias: str, from_node: str, to_node: str, reason: str) -> None:
    series(DB_FAILOVERS, from_node, to_node, reason).inc()
    log(
        logging.WARNING,
        "failover",
        alias=alias,
        from_node=from_node,
        to_node=to_node,
        reason=reason,
    )


def record_lag(name: str, lag_bytes: int | None, lag_seconds: float | None) -> None:
    config = get_config()
    too_many_bytes = (lag_bytes or 0) > config["MAX_LAG_BYTES"]
    lagging = too_many_bytes or (lag_seconds or 0) > config["MAX_LAG_SECONDS"]
    with _lock:
        node = _node(name)
        node.lag_bytes, node.lag_seconds = lag_bytes, lag_seconds
        changed = node.lagging != lagging
        node.lagging = lagging
    if changed:
        event = "replica_lagging" if lagging else "replica_caught_up"
        log(
            logging.WARNING if lagging else logging.INFO,
            event,
            node=name,
            lag_bytes=lag_bytes,
            lag_seconds=lag_seconds,
        )


def record_reads(reads: dict[str, tuple[int, float]]) -> None:
    """Count a request's reads: ``{node: (count, milliseconds)}`` (``perf.metrics``: the
    host's sums are on the status page and ``/metrics``)."""
    for name, (count, milliseconds) in reads.items():
        series(DB_READS, name).inc(count)
        series(DB_READ_SECONDS, name).inc(milliseconds / 1000)


def snapshot(names: list[str]) -> list[dict[str, Any]]:
    """The state of the named nodes, as plain data (the status page, its JSON)."""
    now = clock()
    with _lock:
        states = [asdict(_nodes.get(name) or NodeHealth(name)) for name in names]
    for state in states:
        del state["up_since"], state["changed_at"]
        since = state.pop("down_since")
        state["down_for"] = None if since is None else round(now - since, 1)
        state["retry_in"] = max(0.0, round(state.pop("retry_at") - now, 1))
    return states


def shared_states() -> dict[str, dict[str, Any]]:
    """Each node's last change as this process knows it, to share with the others (wall clock
    times, which processes agree on)."""
    now, wall = clock(), wall_clock()
    with _lock:
        return {
            name: {
                "up": node.up,
                "changed_at": node.changed_at,
                "retry_at": wall + node.retry_at - now,
                "error": node.last_error,
                "hung": node.hung,
            }
            for name, node in _nodes.items()
            if node.changed_at
        }


def adopt(states: dict[str, dict[str, Any]]) -> None:
    """Take the changes other processes found, where newer than what this process knows. Only
    the finder logged them; a trial this process has under way still settles the node."""
    now, wall = clock(), wall_clock()
    with _lock:
        for name, state in states.items():
            node = _node(name)
            if state["changed_at"] <= max(node.changed_at, _reset_at):
                continue
            node.changed_at = state["changed_at"]
            node.last_error = state["error"]
            node.hung = state.get("hung", False)
            if state["up"]:
                if not node.up:
                    node.up, node.up_since, node.down_since = True, now, None
                continue
            if node.up:
                node.up, node.down_since = False, now - (wall - state["changed_at"])
            node.retry_at = now + state["retry_at"] - wall


def reset() -> None:
    """Forget everything, including what other processes found until now (tests)."""
    global _reset_at
    with _lock:
        _nodes.clear()
        _reset_at = wall_clock()


def describe(error: BaseException) -> str:
    """A short line for logs and the status page: SQLSTATE and message, without the host and
    port libpq puts in front of a connection failure."""
    lines = str(error).strip().splitlines()
    text = lines[0].rsplit("failed: ", 1)[-1] if lines else type(error).__name__
    state = getattr(error, "sqlstate", None)
    return f"{state} {text}" if state else text


def log(level: int, event: str, **fields: Any) -> None:
    """One ``event=... key=value`` line, easy to grep and to parse. The fields also ride on the
    record, each as an attribute (``record.node``: a JSON formatter writes them as keys; a
    LogRecord attribute's name is prefixed with ``perf_``) and together as ``record.perf``."""
    parts = [f"event={event}"]
    for key, value in fields.items():
        text = "" if value is None else str(value)
        quoted = not text or any(char in text for char in ' "=')
        parts.append(f"{key}={json.dumps(text) if quoted else text}")
    structured = {"event": event, **fields}
    extra = {
        key if key not in RECORD_ATTRIBUTES else f"perf_{key}": value
        for key, value in structured.items()
    }
    logger.log(level, " ".join(parts), extra={**extra, "perf": structured})
