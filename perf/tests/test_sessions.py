"""perf's cached_db sessions, on whatever cache the settings give (Redis on the stack); a log-out
while Redis is really hung is in shop/tests/test_redis_faults.py."""

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session

from perf.db import health
from perf.sessions import SessionStore

pytestmark = pytest.mark.django_db


def saved_session(**data) -> SessionStore:
    session = SessionStore()
    session.update(data)
    session.save()
    return session


def missed_log_out(session_key: str) -> None:
    """What a log-out does while the cache cannot be reached: only the database forgets."""
    Session.objects.filter(session_key=session_key).delete()


def test_a_signed_in_session_the_database_no_longer_holds_is_empty():
    key = saved_session(**{SESSION_KEY: "7"}).session_key
    missed_log_out(key)

    assert SessionStore(key).load() == {}
    assert SessionStore()._cache.get(SessionStore(key).cache_key) is None  # the copy is gone


def test_a_signed_in_session_the_database_holds_costs_one_query(django_assert_num_queries):
    key = saved_session(**{SESSION_KEY: "7"}).session_key

    with django_assert_num_queries(1):
        assert SessionStore(key).load() == {SESSION_KEY: "7"}


def test_an_anonymous_session_is_read_from_the_cache_alone(django_assert_num_queries):
    key = saved_session(cart_id=3).session_key

    with django_assert_num_queries(0):
        assert SessionStore(key).load() == {"cart_id": 3}


def test_while_the_primary_is_known_down_the_cached_copy_is_trusted(settings):
    settings.PERF = {**settings.PERF, "FAILOVER_COOLDOWN": 60}
    key = saved_session(**{SESSION_KEY: "7"}).session_key
    health.record_failure("default", "Connection refused")
    try:
        assert SessionStore(key).load() == {SESSION_KEY: "7"}
    finally:
        health.reset()


def test_a_session_missing_from_the_cache_is_read_from_the_database_and_cached_again():
    session = saved_session(cart_id=3)
    session._cache.delete(session.cache_key)

    assert SessionStore(session.session_key).load() == {"cart_id": 3}
    assert session._cache.get(session.cache_key) == {"cart_id": 3}


def test_the_rule_holds_under_asgi_too():
    key = saved_session(**{SESSION_KEY: "7"}).session_key
    missed_log_out(key)

    assert async_to_sync(SessionStore(key).aload)() == {}
