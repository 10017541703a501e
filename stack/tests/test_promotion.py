"""
``promote`` (behind ``make promote-replica``) and ``rejoin``, on a stack of their own: the roles
change, so the session's stack is left alone.
"""

import time

import psycopg
import pytest

from stack.cluster import DATABASE, Stack
from stack.exceptions import StackError
from stack.ports import StackPorts
from stack.promotion import primary_port, promote, rejoin, switch_over
from stack.pytest_plugin import throwaway_directory
from stack.status import stack_status

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def own_stack():
    stack = Stack(throwaway_directory(), StackPorts.free(), durable=False)
    try:
        stack.up()
        with stack.primary.connect(DATABASE) as connection:
            connection.execute("CREATE TABLE orders (number int PRIMARY KEY)")
        yield stack
    finally:
        stack.destroy()


def insert(stack: Stack, number: int) -> None:
    """A write through the shop's own DATABASE_URL: every node, target_session_attrs=read-write."""
    with psycopg.connect(stack.database_url, connect_timeout=5) as connection:
        connection.execute("INSERT INTO orders VALUES (%s)", [number])


def numbers(node) -> list[int]:
    with node.connect(DATABASE) as connection:
        return [row[0] for row in connection.execute("SELECT number FROM orders ORDER BY 1")]


def standbys_of(node) -> set[str]:
    with node.connect() as connection:
        rows = connection.execute("SELECT application_name, state FROM pg_stat_replication")
        return {name for name, state in rows if state == "streaming"}


def wait_for_streaming(node, expected: set[str], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while standbys_of(node) != expected:
        assert time.monotonic() < deadline, f"{node.name} streams to {standbys_of(node)}"
        time.sleep(0.05)


def test_promotion_fences_the_old_primary_repoints_the_other_standby_and_loses_nothing(
    own_stack,
):
    old, new, other = own_stack.nodes
    for number in range(1, 51):
        insert(own_stack, number)

    # Committed just before the promotion: the switchover must carry it over.
    insert(own_stack, 51)
    promote(own_stack, new)

    assert own_stack.primary is new
    assert old.fenced
    assert old.pid is None
    with pytest.raises(StackError, match="rejoin primary"):
        old.start()
    assert primary_port(own_stack.database_url) == new.port, "libpq finds the new primary"
    insert(own_stack, 52)
    assert numbers(new) == list(range(1, 53))
    wait_for_streaming(new, {other.name})
    own_stack.wait_for_replication()
    assert numbers(other) == list(range(1, 53)), "the other standby follows the new timeline"

    statuses = {status.name: status for status in stack_status(own_stack)}
    assert statuses["replica1"].role == "primary"
    assert (statuses["primary"].role, statuses["primary"].state) == ("fenced", "stopped")
    assert statuses["replica2"].state == "streaming"

    rejoin(own_stack, old)
    wait_for_streaming(new, {other.name, old.name})
    own_stack.wait_for_replication()
    assert numbers(old) == list(range(1, 53)), "the rejoined node is a standby with every order"
    with old.connect() as connection:
        assert connection.execute("SELECT pg_is_in_recovery()").fetchone()[0]


def test_a_switch_over_back_restores_the_first_roles(own_stack):
    first, replica1, replica2 = own_stack.nodes
    if own_stack.primary is first:
        switch_over(own_stack, replica1)
    switch_over(own_stack, first)

    assert own_stack.primary is first
    assert not any(node.fenced for node in own_stack.nodes)
    wait_for_streaming(first, {replica1.name, replica2.name})
    insert(own_stack, 1000)
    own_stack.wait_for_replication()
    assert 1000 in numbers(replica1)
    assert 1000 in numbers(replica2)


def test_the_primary_and_a_stopped_standby_are_refused(own_stack):
    with pytest.raises(StackError, match="is the primary already"):
        promote(own_stack, own_stack.primary)
    replica = own_stack.replica(2)
    replica.stop(mode="immediate")
    try:
        with pytest.raises(StackError, match="not a running standby"):
            promote(own_stack, replica)
    finally:
        replica.start()
    assert not own_stack.primary.fenced
