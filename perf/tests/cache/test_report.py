import pytest

from perf.cache import data_cache
from perf.cache.breaker import server_breaker
from perf.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def ones(items):
    return dict.fromkeys(items, 1)


def in_ns(item):
    return ["ns"]


def test_the_status_page_shows_each_cache_level(client, settings):
    # The shop's backend reads the signed-in user through the data cache: keep it out of the counts.
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    data_cache().get_many({"a": "a", "b": "b"}, ones, namespaces=in_ns)
    data_cache().get_many({"a": "a"}, ones, namespaces=in_ns)
    client.force_login(UserFactory(is_staff=True))

    page = client.get("/perf/")
    report = client.get("/perf/?format=json").json()["cache"]

    assert page.status_code == 200
    assert "Cache levels" in page.text
    data = next(cache for cache in report["caches"] if cache["name"] == "data")
    assert (data["l1_hits"], data["l1_misses"], data["recomputes"]) == (1, 2, 2)
    assert data["hit_ratio"] == pytest.approx(1 / 3, abs=0.001)
    assert report["shared"]["state"] == "up"
    assert "Generations: tracking" in page.text


@pytest.mark.stack
def test_the_status_page_counts_generations_found_in_memory(client, settings):
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    client.force_login(UserFactory(is_staff=True))
    for _ in range(3):  # created, remembered, found
        data_cache().get_many({"a": "a"}, ones, namespaces=in_ns)

    report = client.get("/perf/?format=json").json()["cache"]["generations"]

    assert report["tracking"] == "listening"
    assert (report["hits"], report["misses"], report["connections"]) == (1, 2, 1)


def test_the_status_page_shows_each_redis_servers_breaker(client):
    server_breaker("127.0.0.1:6379").failed(TimeoutError("Timeout reading from socket"))
    client.force_login(UserFactory(is_staff=True))

    report = client.get("/perf/?format=json").json()["cache"]

    servers = {server.pop("name"): server for server in report["servers"]}
    assert servers["Redis 127.0.0.1:6379"] == {"state": "down", "errors": 1}
    assert "Redis 127.0.0.1:6379" in client.get("/perf/").text
