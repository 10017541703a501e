import asyncio
import threading

import pytest
from django.contrib.auth.models import Group, User
from django.db import transaction

from perf.db import health, routing, use_primary
from perf.db.router import ReplicaRouter


@pytest.fixture
def router(replica_groups, health_by_hand):
    return ReplicaRouter()


def test_without_replicas_the_router_leaves_every_choice_to_django(settings):
    settings.PERF = {**settings.PERF, "REPLICAS": [], "REPLICA_READ_MODELS": ["auth.group"]}
    router = ReplicaRouter()
    assert router.db_for_read(Group) is None
    assert router.db_for_write(Group) is None
    assert router.allow_migrate("default", "auth") is None
    assert not routing.reads_primary()


def test_reads_of_replica_models_go_round_robin_across_replicas(router):
    with routing.routing_scope():
        reads = [router.db_for_read(Group) for _ in range(6)]
    assert reads == ["replica1", "replica2"] * 3


def test_models_the_replicas_do_not_serve_are_read_from_the_primary(router):
    with routing.routing_scope():
        assert router.db_for_read(User) == "default"


def test_models_are_named_by_app_label_or_model_label_in_any_case(settings):
    router = ReplicaRouter()
    for labels in (["auth"], ["auth.Group"]):
        settings.PERF = {**settings.PERF, "REPLICAS": ["replica1"], "REPLICA_READ_MODELS": labels}
        with routing.routing_scope():
            assert router.db_for_read(Group) == "replica1"


def test_a_write_sends_the_rest_of_the_scope_to_the_primary_and_pins_the_browser(router):
    with routing.routing_scope() as state:
        assert router.db_for_read(Group) != "default"
        assert router.db_for_write(Group) == "default"
        assert router.db_for_read(Group) == "default"
    assert state.wrote_replicated


def test_a_write_only_the_primary_reads_pins_the_scope_but_not_the_browser(router):
    with routing.routing_scope() as state:
        router.db_for_write(User)
        assert router.db_for_read(Group) == "default"
    assert state.pinned
    assert not state.wrote_replicated


def test_a_scope_opened_in_a_pinned_one_stays_pinned(router):
    with routing.routing_scope(pinned=True), routing.routing_scope():
        assert router.db_for_read(Group) == "default"


def test_use_primary_as_a_context_manager_and_as_a_decorator(router):
    @use_primary()
    def fresh_read():
        return router.db_for_read(Group)

    with routing.routing_scope():
        with use_primary():
            assert router.db_for_read(Group) == "default"
        assert fresh_read() == "default"
        assert router.db_for_read(Group) != "default"


@pytest.mark.django_db(transaction=True)
def test_reads_inside_atomic_on_the_primary_use_the_primary(router):
    with routing.routing_scope():
        assert router.db_for_read(Group) != "default"
        with transaction.atomic():
            assert router.db_for_read(Group) == "default"


def test_instance_hints_read_where_the_instance_came_from(router):
    saved = Group(name="saved")
    saved._state.db = "default"
    loaded = Group(name="loaded")
    loaded._state.db = "replica2"
    with routing.routing_scope():
        assert router.db_for_read(Group, instance=saved) == "default"
        assert router.db_for_read(Group, instance=loaded) == "replica2"


def test_relations_hold_across_the_primary_and_its_replicas_only(router):
    primary, replica, elsewhere = Group(), Group(), Group()
    primary._state.db, replica._state.db, elsewhere._state.db = "default", "replica1", "other"
    assert router.allow_relation(primary, replica) is True
    assert router.allow_relation(replica, elsewhere) is None


def test_migrations_never_run_on_a_replica(router):
    assert router.allow_migrate("replica1", "auth") is False
    assert router.allow_migrate("replica2", "auth", model_name="group") is False
    assert router.allow_migrate("default", "auth") is None


def test_a_down_replica_gets_no_reads_until_its_cooldown_is_over(router, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(health, "clock", lambda: now[0])
    health.record_failure("replica1", "Connection refused")
    with routing.routing_scope():
        assert {router.db_for_read(Group) for _ in range(4)} == {"replica2"}
        now[0] += 60
        assert {router.db_for_read(Group) for _ in range(4)} == {"replica1", "replica2"}


def test_a_lagging_replica_gets_no_reads_until_it_catches_up(router):
    health.record_lag("replica1", 10**10, 0.0)
    with routing.routing_scope():
        assert {router.db_for_read(Group) for _ in range(4)} == {"replica2"}
        health.record_lag("replica1", 0, 0.0)
        assert {router.db_for_read(Group) for _ in range(4)} == {"replica1", "replica2"}


def test_with_every_replica_unavailable_the_primary_serves_the_reads(router):
    health.record_failure("replica1", "Connection refused")
    health.record_lag("replica2", 0, 3600.0)
    with routing.routing_scope():
        assert router.db_for_read(Group) == "default"


def test_routing_state_belongs_to_its_thread(router):
    seen = []
    with routing.routing_scope(pinned=True):
        thread = threading.Thread(target=lambda: seen.append(router.db_for_read(Group)))
        thread.start()
        thread.join()
        assert router.db_for_read(Group) == "default"
    assert seen[0] != "default"


def test_routing_state_belongs_to_its_asyncio_task(router):
    async def write_then_read():
        with routing.routing_scope():
            router.db_for_write(Group)
            await asyncio.sleep(0.01)
            return router.db_for_read(Group)

    async def read_meanwhile():
        with routing.routing_scope():
            await asyncio.sleep(0.005)
            return router.db_for_read(Group)

    async def both():
        return await asyncio.gather(write_then_read(), read_meanwhile())

    after_write, meanwhile = asyncio.run(both())
    assert after_write == "default"
    assert meanwhile != "default"


def test_with_the_primary_down_a_safe_request_reads_every_model_from_the_replicas(router):
    """Read-only mode: even pinned, even following an object read from the primary before."""
    from_primary = User(pk=1)
    from_primary._state.db = "default"
    with routing.routing_scope(pinned=True, primary_down=True):
        assert router.db_for_read(User) in {"replica1", "replica2"}
        assert router.db_for_read(User, instance=from_primary) in {"replica1", "replica2"}
        with use_primary():
            assert router.db_for_read(Group) in {"replica1", "replica2"}
    with routing.routing_scope(pinned=True):
        assert router.db_for_read(User, instance=from_primary) == "default"
