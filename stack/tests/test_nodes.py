"""The ``stack`` fixture's levers act on the real servers, and ``restore`` undoes them all."""

import psycopg
import pytest

pytestmark = pytest.mark.stack


def test_frozen_replica_accepts_no_connection_until_thawed(stack):
    replica = stack.replica(2)

    stack.freeze_replica(2)
    try:
        with pytest.raises(psycopg.OperationalError):
            replica.connect(timeout=2)
    finally:
        stack.thaw_replica(2)

    with replica.connect() as connection:
        assert connection.execute("SELECT pg_is_in_recovery()").fetchone()[0]


def test_restore_brings_back_killed_and_frozen_replicas_and_redis(stack):
    stack.kill_replica(1)
    stack.freeze_replica(2)
    stack.stop_redis()

    stack.restore()

    assert all(replica.pid and not replica.frozen for replica in stack.replicas)
    with stack.replica(2).connect() as connection:
        connection.execute("SELECT 1")
    assert stack.redis.client().ping()
    stack.wait_for_replication()
