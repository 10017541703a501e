import time
from unittest import mock

import pytest
from django.core import signing

from perf.db.pinning import SALT

pytestmark = pytest.mark.urls("perf.tests.db.urls")

COOKIE = "perf_primary"


def read_alias(client, path="/route/", **kwargs):
    return client.get(path, **kwargs).json()["read"]


def test_reads_go_to_a_replica_without_a_pin(client, replica_groups):
    assert read_alias(client) in {"replica1", "replica2"}


def test_after_a_write_the_request_reads_the_primary(client, replica_groups):
    response = client.get("/write-then-route/").json()
    assert response == {"write": "default", "read": "default"}


def test_a_write_to_a_replicated_model_pins_the_browser_for_pin_seconds(client, replica_groups):
    response = client.get("/write-then-route/")
    cookie = response.cookies[COOKIE]
    assert cookie["max-age"] == 5
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert read_alias(client) == "default"


def test_the_pin_expires(client, replica_groups):
    with mock.patch("time.time", return_value=time.time() - 6):
        client.cookies[COOKIE] = signing.get_cookie_signer(salt=COOKIE + SALT).sign("1")
    assert read_alias(client) != "default"


def test_a_forged_pin_is_ignored(client, replica_groups):
    client.cookies[COOKIE] = "1:forged:signature"
    assert read_alias(client) != "default"


def test_a_request_that_only_reads_sets_no_pin(client, replica_groups):
    response = client.get("/route/")
    assert COOKIE not in response.cookies


def test_requests_that_are_not_safe_methods_read_the_primary(client, replica_groups):
    assert client.post("/route/").json()["read"] == "default"


def test_views_of_a_primary_only_namespace_read_the_primary(client, replica_groups):
    assert read_alias(client, "/primary-only/route/") == "default"


def test_a_view_decorated_with_use_primary_reads_the_primary(client, replica_groups):
    assert read_alias(client, "/route-fresh/") == "default"


def test_each_request_starts_unpinned(client, replica_groups):
    client.get("/write-then-route/")
    client.cookies.clear()
    assert read_alias(client) != "default"
