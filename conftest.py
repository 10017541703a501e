"""
Test setup shared by every app: the test database on the stack, and clean caches.

The stack itself (servers, the ``stack`` fixture, ``--embedded``) comes from
``stack.pytest_plugin``, loaded in pyproject's addopts.
"""

from collections.abc import Generator

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections

from catalog import namespaces
from perf.cache import reset_caches
from perf.db import health
from perf.db.lag import monitor
from perf.db.shared_health import board
from perf.metrics.families import reset as reset_metrics
from perf.twopass.audit import audit_pass_one


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias != DEFAULT_DB_ALIAS]


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker,
    django_db_keepdb: bool,
    django_db_createdb: bool,
) -> Generator[None]:
    """
    Create the test database on the primary only, and point the replicas at it.

    Streaming replication copies the new database to the standbys, which are read-only: creating
    or flushing it there would fail. So the replica aliases keep their own connections to the
    standbys (reads in tests really hit a replica), and are declared mirrors of the primary only
    after setup, which tells Django's test cases to flush the primary alone; replication empties
    the standbys. (Mirrors declared in settings instead would connect to the primary.)
    """
    from django.test.utils import setup_databases, teardown_databases

    serialized = {
        DEFAULT_DB_ALIAS
        for item in request.session.items
        if (marker := item.get_closest_marker("django_db"))
        and marker.kwargs.get("serialized_rollback")
    }
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        databases = setup_databases(
            verbosity=verbosity,
            interactive=False,
            aliases={DEFAULT_DB_ALIAS},
            serialized_aliases=serialized,
            keepdb=django_db_keepdb and not django_db_createdb,
        )
    test_name = connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
    for alias in replica_aliases():
        connections[alias].close()
        connections[alias].settings_dict["NAME"] = test_name
        connections[alias].settings_dict["TEST"]["MIRROR"] = DEFAULT_DB_ALIAS
    yield
    for alias in replica_aliases():
        connections[alias].close()
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(databases, verbosity=verbosity)


@pytest.fixture(autouse=True)
def _replicas_caught_up(request: pytest.FixtureRequest) -> None:
    """A test that reads the replicas starts once they have replayed the primary, so rows left
    or flushed by the previous test cannot show through, and with the router's view of them
    reset: a lag or an outage it saw in an earlier test would keep its reads on the primary
    until the next lag measurement or cooldown."""
    marker = request.node.get_closest_marker("django_db")
    databases = marker.kwargs.get("databases") if marker else None
    replicas = set(replica_aliases())
    if databases and replicas and (databases == "__all__" or replicas & set(databases)):
        request.getfixturevalue("stack").wait_for_replication()
        health.reset()


@pytest.fixture(scope="session", autouse=True)
def _replica_lag_monitor_stopped_at_the_end() -> Generator[None]:
    """perf's lag monitor polls the replicas, and its shared health Redis, from threads: stop
    them before the stack goes."""
    yield
    monitor.stop()
    board.stop()


@pytest.fixture(autouse=True)
def _replica_reads_only_where_declared(request: pytest.FixtureRequest) -> None:
    """The router sends reads to the replicas a test declares, and to no other: Django refuses
    a test's queries on aliases it did not declare, and a row the test just wrote may not have
    replayed yet (perf/db/router.py)."""
    replicas = replica_aliases()
    marker = request.node.get_closest_marker("django_db")
    databases = marker.kwargs.get("databases") if marker else None
    if not replicas or databases == "__all__":
        return
    declared = [alias for alias in replicas if alias in (databases or ())]
    overrides = request.getfixturevalue("settings")
    overrides.PERF = {**overrides.PERF, "REPLICAS": declared}


@pytest.fixture(autouse=True)
def _perf_options_for_tests(settings) -> None:
    """Tests watch the caches and the routing through X-Cache and Server-Timing, which the shop
    sends to staff only by default (perf/diagnostics.py); the tests of that rule turn it off.
    Reads drain the invalidation outbox only in the tests that watch it: most cache tests have
    no database to drain."""
    settings.PERF = {**settings.PERF, "DIAGNOSTIC_HEADERS": True, "OUTBOX_DRAIN_INTERVAL": None}


@pytest.fixture(autouse=True)
def _invalidation_graph_audited() -> Generator[None]:
    """Every page rendered in any test reads only tables its namespaces cover."""
    with audit_pass_one(namespaces.TABLES):
        yield


@pytest.fixture(autouse=True)
def _clean_caches() -> None:
    """Every test starts with empty caches: Redis and local memory persist across tests (and
    so do perf's in-process L1 caches, their counters and circuit breakers, and the metrics)."""
    reset_caches()
    reset_metrics()
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change and its after-commit invalidations, as a request's commit would."""

    def run(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return change(*args, **kwargs)

    return run
