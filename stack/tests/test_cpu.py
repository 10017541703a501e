"""
CPU budgets on the session's real servers: the postmaster and the backends it forks later run in
the node's control group under its quota, and stopping the node or lifting the budget removes
the group. They need root and the kernel's CPU controller (cgroup v2 ``cpu``, or v1's), as the
partition fault needs root: where either is missing they fail and say which.
"""

import pytest

from stack import cpu

pytestmark = pytest.mark.stack


def backend_pid(node) -> tuple:
    """A new connection's backend pid, with the connection kept open."""
    connection = node.connect()
    return connection, connection.execute("SELECT pg_backend_pid()").fetchone()[0]


def test_a_budget_holds_the_postmaster_and_each_new_backend_under_its_quota(stack):
    replica = stack.replica(1)
    try:
        replica.limit_cpu(0.5)
        budget = replica.cpu_budget
        assert budget.quota_file.read_text().split() == budget.quota.split()
        assert budget.quota in ("50000 100000", "50000")
        weight_file, weight = cpu.WEIGHT_FILES[budget.version]
        assert (budget.path / weight_file).read_text().strip() == weight
        connection, backend = backend_pid(replica)
        with connection:
            assert {replica.pid, backend} <= set(cpu.members(budget.path))
    finally:
        replica.limit_cpu(None)
    assert not budget.path.exists()
    connection, backend = backend_pid(replica)
    with connection:
        assert backend not in cpu.members(budget.path)


def test_a_stop_removes_the_group_and_a_start_places_the_server_again(stack):
    try:
        stack.limit_cpus(0.25)
        replica = stack.replica(2)
        group = replica.cpu_budget.path
        stack.kill_replica(2)
        assert not group.exists()
        stack.start_replica(2)
        assert replica.pid in cpu.members(group)
        assert all(node.pid in cpu.members(node.cpu_budget.path) for node in stack.nodes)
    finally:
        stack.limit_cpus(None)
    assert not group.exists()
    assert all(node.cpu_budget is None for node in stack.nodes)
