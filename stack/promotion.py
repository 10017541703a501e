"""
Promoting a standby, as an operator or Patroni would, and bringing the old primary back.

``promote(stack, node)`` is a switchover: the old primary is fenced first (a fast stop, which
sends every WAL record to the connected standbys before it exits, then a marker that keeps it
from starting again), the chosen standby waits until it has received the old primary's last
record, so no committed transaction is left behind, and is promoted; the other standbys are
pointed at it (a new ``primary_conninfo`` and a reload) and follow its new timeline. If the old
primary is already dead, the standby is promoted with what it has: asynchronous replication
may then lose the last transactions, which is why real deployments run Patroni with
``synchronous_mode`` or pg_auto_failover with a synchronous standby (docs/chaos.md).

``rejoin(stack, node)`` turns a fenced node into a standby of the new primary with a fresh base
backup (replica-bootstrap.sh). ``pg_rewind`` would copy only what changed; on a database of
this size a whole copy takes about a second, and needs no ``wal_log_hints``.

No election: which node to promote is the caller's decision, as with ``patronictl switchover``.
"""

import time

import psycopg

from stack.cluster import Stack
from stack.exceptions import StackError
from stack.postgres import PostgresNode

CATCH_UP_TIMEOUT = 30.0


def promote(stack: Stack, node: PostgresNode, *, timeout: float = CATCH_UP_TIMEOUT) -> None:
    """Make ``node`` the primary; fence the old one; point the other standbys at ``node``."""
    old = stack.primary
    if node is old:
        raise StackError(f"{node.name} is the primary already.")
    if not node.is_standby or node.pid is None:
        raise StackError(f"{node.name} is not a running standby, so it cannot be promoted.")
    followers = [other for other in stack.standbys if other is not node]
    if old.pid is not None:
        old.thaw()
        old.fence(f"it was the primary until {node.name} was promoted.")
        wait_until_received(node, old.checkpoint_lsn(), timeout=timeout)
    else:
        old.fence(f"it was down when {node.name} was promoted.")
    node.promote(replica_slots=[other.name for other in [*followers, old]])
    for follower in followers:
        follower.start()
        follower.follow(node)


def rejoin(stack: Stack, node: PostgresNode) -> None:
    """Make the fenced ``node`` a standby of the current primary again, from a fresh copy."""
    if not node.fenced:
        raise StackError(f"{node.name} is not fenced: it is already part of the stack.")
    primary = stack.primary
    node.bootstrap_replica(primary)
    node.unfence()
    node.start()


def switch_over(stack: Stack, node: PostgresNode) -> None:
    """Promote ``node`` and take the old primary back as a standby: the roles change, the
    stack stays whole (what ``make chaos`` does to undo a promotion)."""
    old = stack.primary
    promote(stack, node)
    rejoin(stack, old)


def wait_until_received(node: PostgresNode, lsn: str, *, timeout: float) -> None:
    """Wait until the standby ``node`` has received WAL past ``lsn``."""
    deadline = time.monotonic() + timeout
    with node.connect() as connection:
        while not connection.execute(
            "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), %s) > 0", [lsn]
        ).fetchone()[0]:
            if time.monotonic() > deadline:
                raise StackError(
                    f"{node.name} has not received the old primary's last WAL ({lsn}) after "
                    f"{timeout:g} s; it is not promoted. The old primary is fenced: start it "
                    "again by removing its FENCED file, or promote anyway once it is lost."
                )
            time.sleep(0.02)


def primary_port(dsn: str) -> int:
    """The port of the node a read-write connection to ``dsn`` reaches (for checks and tests)."""
    with psycopg.connect(dsn, connect_timeout=5) as connection:
        return int(connection.info.port)
