"""Generations remembered by each process until the stack's real Redis reports a change."""

import hashlib
import logging

import pytest
from django.core.cache import caches

from perf.cache import tracking
from perf.cache.generations import PREFIX, Generations
from perf.cache.shared import CacheUnavailable, SharedCache

pytestmark = pytest.mark.stack


@pytest.fixture
def processes():
    """Build the generation counters of a process of the site: each tracks on a connection of
    its own, as each gunicorn worker does."""
    built = []

    def build(alias: str = "default") -> Generations:
        built.append(Generations(SharedCache(alias, retry_after=0.5), tracking=True))
        return built[-1]

    yield build
    for process in built:
        process.tracker.close()


@pytest.fixture
def redis_reads(monkeypatch):
    """Count the reads a process sends to Redis: ``redis_reads(process)`` returns its list."""

    def count(process: Generations) -> list[list[str]]:
        reads = []
        read = process.shared.get_many

        def counted(keys):
            reads.append([key.removeprefix(PREFIX) for key in keys])
            return read(keys)

        monkeypatch.setattr(process.shared, "get_many", counted)
        return reads

    return count


def test_a_remembered_generation_is_read_without_a_round_trip(processes, redis_reads):
    web = processes()
    processes().bump_now("catalog")  # the counter exists (its creation is a change too)
    generation = web.read(["catalog"])["catalog"]
    reads = redis_reads(web)

    assert web.read(["catalog"]) == {"catalog": generation}
    assert reads == []


def test_another_process_bump_shows_on_the_next_read_without_waiting(processes):
    """Redis sends its report before the reply to the INCR: no sleep in between."""
    web, admin = processes(), processes()
    admin.bump_now("catalog", "cart:1")
    before = web.read(["catalog", "cart:1"])
    reports = web.tracker.reports

    admin.bump_now("catalog")

    assert web.read(["catalog", "cart:1"]) == {**before, "catalog": before["catalog"] + 1}
    assert web.tracker.reports == reports + 1


def test_a_deleted_counter_or_a_flushed_redis_is_reported(processes):
    web, admin = processes(), processes()
    admin.bump_now("catalog")
    before = web.read(["catalog"])["catalog"]

    admin.shared.delete(PREFIX + "catalog")  # what a deleted cart's forget() does
    restarted = web.read(["catalog"])["catalog"]
    caches["default"].clear()

    assert restarted > before
    assert web.tracker.lookup(["catalog"])[0] == {}
    assert web.read(["catalog"])["catalog"] > restarted


def test_a_read_that_overlaps_a_report_is_not_remembered(processes):
    web, admin = processes(), processes()
    old = web.read(["catalog"], fresh=True)  # read, but not through the tracker
    _, token = web.tracker.lookup(["catalog"])

    admin.bump_now("catalog")
    web.tracker.remember(old, token)  # the read came back after the bump

    assert web.tracker.lookup(["catalog"])[0] == {}


def test_a_read_older_than_the_changes_still_told_apart_is_not_remembered(processes, settings):
    """Only the last GENERATION_MAX_ENTRIES changes are told apart by namespace."""
    settings.PERF = {**settings.PERF, "GENERATION_MAX_ENTRIES": 2}
    web, admin = processes(), processes()
    old = web.read(["catalog"], fresh=True)
    _, token = web.tracker.lookup(["catalog"])

    admin.bump_now("catalog", "cart:1", "cart:2")  # the last two push out the first
    web.tracker.remember(old, token)

    assert web.tracker.lookup(["catalog"])[0] == {}


def test_a_process_forgets_its_own_bump_before_redis_reports_it(processes, redis_reads):
    web = processes()
    web.bump_now("catalog")
    before = web.read(["catalog"])["catalog"]
    reads = redis_reads(web)

    web.bump_now("catalog")

    assert web.read(["catalog"])["catalog"] == before + 1
    assert reads == [["catalog"]]


def test_nothing_is_remembered_while_the_connection_is_lost(processes, caplog):
    """A bump made while the process could miss its report is read from Redis."""
    web, admin = processes(), processes()
    admin.bump_now("catalog")
    before = web.read(["catalog"])["catalog"]
    admin.shared.backend.client.get_client().client_kill_filter(_type="pubsub")
    admin.bump_now("catalog")  # reported to nobody

    with caplog.at_level(logging.WARNING, logger=tracking.__name__):
        assert web.tracker.lookup(["catalog"]) == ({}, None)
    assert "lost its connection" in caplog.text
    assert web.read(["catalog"])["catalog"] == before + 1

    admin.bump_now("catalog")  # the next lookup opened a new connection

    assert web.read(["catalog"])["catalog"] == before + 2
    assert web.tracker.connects == 2


def test_a_forked_process_opens_its_own_connection(processes, monkeypatch):
    parent = processes()
    parent.bump_now("catalog")
    parent.read(["catalog"])
    monkeypatch.setattr(tracking.os, "getpid", lambda: -1)

    assert parent.tracker.lookup(["catalog"])[0] == {}
    assert parent.tracker.connects == 2


def test_redis_stopped_means_nothing_is_read_from_memory(processes, stack):
    web = processes()
    web.read(["catalog"])
    stack.stop_redis()
    try:
        with pytest.raises(CacheUnavailable):
            web.read(["catalog"])
    finally:
        stack.start_redis()


def hashed_key(key: str, key_prefix: str, version: int) -> str:
    return hashlib.sha256(f"{key_prefix}:{version}:{key}".encode()).hexdigest()


def test_keys_without_a_common_prefix_are_not_tracked(processes, settings, caplog):
    """Redis reports changes by key prefix; a hashing KEY_FUNCTION leaves none to watch."""
    settings.CACHES = {
        **settings.CACHES,
        "hashed": {**settings.CACHES["default"], "KEY_FUNCTION": hashed_key},
    }
    web = processes("hashed")
    web.read(["catalog"])

    assert web.tracker.lookup(["catalog"]) == ({}, None)
    assert not web.tracker.enabled
    assert "hides key prefixes" in caplog.text
