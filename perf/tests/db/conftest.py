import pytest

from perf.db import health, routing
from perf.db.lag import monitor

REPLICAS = ["replica1", "replica2"]


@pytest.fixture(autouse=True)
def _unpinned():
    """Each test starts with reads unpinned, whatever earlier tests wrote in this thread."""
    with routing.routing_scope(inherit=False):
        yield


@pytest.fixture(autouse=True)
def _fresh_node_health():
    """Each test starts with every node up and no counts, and leaves no monitor connection."""
    health.reset()
    monitor.close()
    yield
    monitor.close()
    health.reset()


@pytest.fixture
def replica_groups(settings):
    """Replicas configured, serving ``auth.group`` (the tests' stand-in for catalog rows)."""
    settings.PERF = {
        **settings.PERF,
        "REPLICAS": REPLICAS,
        "REPLICA_READ_MODELS": ["auth.group"],
        "PRIMARY_NAMESPACES": ["admin", "primaryonly"],
    }
    return settings


@pytest.fixture
def health_by_hand():
    """The test sets node health itself: the lag monitor must not measure meanwhile."""
    with monitor.paused():
        yield
