"""
The shop with Redis hung (its process SIGSTOPped, connections open): signed-in pages keep
answering without paying a socket timeout per request, nor one per cooldown, pages are kept in
the process meanwhile, and a log-out made meanwhile holds once Redis answers again.
"""

import threading
import time
from decimal import Decimal

import pytest
import redis
from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductVariantFactory
from perf.cache import page_cache
from perf.cache.breaker import reset_server_breakers, server_breakers
from perf.tests.probes import finish_probes

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True, databases="__all__")]


@pytest.fixture
def shopper(stack):
    """A signed-in visitor who has seen the product page once (sessions and caches warm)."""
    variant = ProductVariantFactory(price=Decimal("12.00"), stock=5)
    stack.wait_for_replication()
    client = Client()
    client.force_login(UserFactory(first_name="Ada"))
    client.url = reverse("catalog:product", args=[variant.product.slug])
    assert "Hi, Ada" in client.get(client.url).text
    return client


@pytest.fixture
def redis_commands(monkeypatch):
    """The commands this thread's requests sent a redis-py client (behind the circuit breaker);
    perf's own threads, such as the one sharing node health, are left out."""
    calls = []
    execute = redis.Redis.execute_command
    requests_thread = threading.get_ident()

    def counting(self, *args, **options):
        if threading.get_ident() == requests_thread:
            calls.append(args[0])
        return execute(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counting)
    return calls


def cache_key(session_key: str) -> str:
    return KEY_PREFIX + session_key


def timed_get(client, url):
    started = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - started


def test_with_redis_hung_a_signed_in_page_pays_one_timeout_then_none(
    shopper, stack, redis_commands
):
    stack.freeze_redis()
    try:
        first, first_seconds = timed_get(shopper, shopper.url)
        redis_commands.clear()
        second, second_seconds = timed_get(shopper, shopper.url)
    finally:
        stack.thaw_redis()

    socket_timeout = settings.CACHES["sessions"]["OPTIONS"]["SOCKET_TIMEOUT"]
    assert first.status_code == second.status_code == 200
    assert "Hi, Ada" in first.text
    assert "Hi, Ada" in second.text
    # The first request found Redis hung and opened the breaker, shared by every alias.
    assert first_seconds < 3 * socket_timeout
    assert [b.is_open for b in server_breakers().values()] == [True]
    # The second asked Redis nothing, so it waited on no socket.
    assert redis_commands == []
    assert second_seconds < socket_timeout


def test_with_redis_still_hung_after_the_cooldown_a_request_asks_it_nothing(
    shopper, stack, settings, redis_commands
):
    settings.PERF = {**settings.PERF, "L2_RETRY_AFTER": 0.3}
    stack.freeze_redis()
    try:
        assert shopper.get(shopper.url).status_code == 200  # finds Redis hung
        time.sleep(0.4)
        redis_commands.clear()
        response = shopper.get(shopper.url)
        finish_probes()
        still_open = [b.is_open for b in server_breakers().values()]
    finally:
        stack.thaw_redis()

    assert response.status_code == 200
    assert "Hi, Ada" in response.text
    # The half-open try was the probe's, in a thread of its own: the request sent Redis no
    # command, so it waited on no socket (before, it paid the full socket timeout, and every
    # request queued behind it in its gunicorn worker did too).
    assert redis_commands == []
    assert still_open == [True]


def test_redis_is_used_again_once_the_probe_finds_it_answering(
    shopper, stack, settings, redis_commands
):
    settings.PERF = {**settings.PERF, "L2_RETRY_AFTER": 0.3}
    stack.freeze_redis()
    try:
        assert shopper.get(shopper.url).status_code == 200
    finally:
        stack.thaw_redis()
    time.sleep(0.4)
    assert shopper.get(shopper.url).status_code == 200  # skips Redis; the probe tries it
    finish_probes()
    assert not any(b.is_open for b in server_breakers().values())

    redis_commands.clear()
    assert shopper.get(shopper.url).status_code == 200
    assert "GET" in redis_commands


def test_a_log_out_while_redis_is_hung_holds_once_redis_answers_again(shopper, stack):
    old_cookie = shopper.cookies[settings.SESSION_COOKIE_NAME].value
    stack.freeze_redis()
    try:
        shopper.get(shopper.url)  # finds Redis hung: the breaker skips it from now on
        response = shopper.post(reverse("accounts:logout"))
    finally:
        stack.thaw_redis()
    assert response.status_code == 302
    # Redis missed the log-out (its breaker was open): it still holds the signed-in session.
    reset_server_breakers()  # what another worker, which never saw Redis hang, would be
    assert "_auth_user_id" in caches["sessions"].get(cache_key(old_cookie))

    replayed = Client()
    replayed.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    page = replayed.get(shopper.url).text

    assert "Hi, Ada" not in page
    assert "Log in" in page
    assert caches["sessions"].get(cache_key(old_cookie)) is None  # and now it does not


def test_with_redis_hung_a_page_is_served_from_the_process_without_rendering(
    shopper, stack, settings
):
    settings.PERF = {**settings.PERF, "L2_DOWN_TTL": 60}
    other = Client()
    other.force_login(UserFactory(first_name="Bob"))
    stack.freeze_redis()
    try:
        first = shopper.get(shopper.url)  # finds Redis hung, renders the page and keeps it
        second = other.get(shopper.url)
    finally:
        stack.thaw_redis()

    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
    assert page_cache().metrics.snapshot()["down_hits"] == 1
    # The page kept is pass one, for nobody: each shopper's header is their own.
    assert "Hi, Ada" in first.text
    assert "Hi, Bob" in second.text
    assert "Ada" not in second.text
