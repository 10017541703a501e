"""
What ``make stack-status`` shows: each server's role, state and replication lag, and Redis'.

Lag is read on the primary: bytes from ``pg_wal_lsn_diff`` (for a stopped standby, against the
WAL its slot still holds for it), seconds from ``pg_stat_replication.replay_lag``. The replay
timestamp on the standby is no measure: it stands still whenever the primary is idle.
"""

from dataclasses import dataclass

import psycopg
import redis

from stack.cluster import Stack
from stack.postgres import PostgresNode

REPLICATION_QUERY = """
SELECT application_name, state,
       pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn),
       EXTRACT(EPOCH FROM replay_lag)
  FROM pg_stat_replication
"""
SLOTS_QUERY = """
SELECT slot_name, pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)
  FROM pg_replication_slots WHERE slot_type = 'physical'
"""


@dataclass(frozen=True)
class NodeStatus:
    name: str
    port: int
    role: str
    state: str
    lag: str


def stack_status(stack: Stack) -> list[NodeStatus]:
    streaming, slots = _replication_from_primary(stack.primary)
    statuses = [_postgres_status(stack.primary, "primary", "-")]
    for node in stack.nodes:
        if node.fenced:
            rejoin = f"python -m stack rejoin {node.name}"
            statuses.append(NodeStatus(node.name, node.port, "fenced", "stopped", rejoin))
    for replica in stack.standbys:
        if replica.name in streaming:
            state, lag_bytes, lag_seconds = streaming[replica.name]
            # A standby that has just connected has replayed nothing yet: no lag to tell.
            lag = "unknown"
            if lag_bytes is not None:
                lag = f"{_size(lag_bytes)}, {lag_seconds or 0:.3f} s"
        elif replica.name in slots and slots[replica.name] is not None:
            state, lag = "not streaming", f"{_size(slots[replica.name])} behind (kept in its slot)"
        else:
            state, lag = "not streaming", "unknown"
        statuses.append(_postgres_status(replica, "standby", lag, streaming_state=state))
    statuses.append(_redis_status(stack))
    return statuses


def format_status(statuses: list[NodeStatus]) -> str:
    rows = [("NODE", "PORT", "ROLE", "STATE", "LAG / DETAIL")]
    rows += [(s.name, str(s.port), s.role, s.state, s.lag) for s in statuses]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    lines = []
    for *cells, last in rows:
        padded = [cell.ljust(width) for cell, width in zip(cells, widths, strict=True)]
        lines.append("  ".join([*padded, last]))
    return "\n".join(lines)


def _replication_from_primary(primary: PostgresNode) -> tuple[dict, dict]:
    if primary.pid is None:
        return {}, {}
    try:
        with primary.connect(timeout=2) as connection:
            streaming = {
                name: (state, lag_bytes, lag_seconds)
                for name, state, lag_bytes, lag_seconds in connection.execute(REPLICATION_QUERY)
            }
            slots = dict(connection.execute(SLOTS_QUERY).fetchall())
    except psycopg.OperationalError:
        return {}, {}
    return streaming, slots


def _postgres_status(
    node: PostgresNode, role: str, lag: str, streaming_state: str = "running"
) -> NodeStatus:
    if not node.initialised:
        return NodeStatus(node.name, node.port, role, "not created", "-")
    if node.pid is None:
        return NodeStatus(node.name, node.port, role, "stopped", lag)
    try:
        with node.connect(timeout=2) as connection:
            in_recovery = connection.execute("SELECT pg_is_in_recovery()").fetchone()[0]
    except psycopg.OperationalError as error:
        return NodeStatus(node.name, node.port, role, "not answering", str(error).strip())
    actual_role = "standby" if in_recovery else "primary"
    return NodeStatus(node.name, node.port, actual_role, streaming_state, lag)


def _redis_status(stack: Stack) -> NodeStatus:
    node = stack.redis
    if node.pid is None:
        return NodeStatus(node.name, node.port, "cache", "stopped", "-")
    try:
        info = node.client(timeout=2).info()
    except redis.RedisError as error:
        return NodeStatus(node.name, node.port, "cache", "not answering", str(error))
    keys = info.get("db0", {}).get("keys", 0)
    return NodeStatus(
        node.name, node.port, "cache", "running", f"{keys} keys, {info['used_memory_human']} used"
    )


def _size(size: float) -> str:
    for unit in ("B", "kB", "MB"):
        if abs(size) < 1024:
            return f"{size:.0f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"
