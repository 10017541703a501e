"""Read-only mode and /readyz from what ``health`` knows (set by hand); the real primary going
down is in shop/tests/test_read_only.py."""

import sys

import pytest
from django.contrib.auth.models import Group
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import reverse

from perf.db import health
from perf.db.readonly import server_error

pytestmark = [pytest.mark.urls("perf.tests.db.urls"), pytest.mark.django_db]


@pytest.fixture
def primary_down(replica_groups, health_by_hand):
    replica_groups.PERF = {**replica_groups.PERF, "FAILOVER_COOLDOWN": 60}
    health.record_failure("default", "Connection refused")


def assert_read_only_page(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "read-only for a moment" in response.text


def test_while_the_primary_is_down_a_write_answers_503_without_a_query(
    client, primary_down, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.post(reverse("group-rename", args=[1]), {"name": "x"})
    assert_read_only_page(response)


def test_while_the_primary_is_down_views_that_read_only_the_primary_answer_503(
    client, primary_down
):
    assert_read_only_page(client.get("/primary-only/route/"))
    assert client.get(reverse("route")).status_code == 200


def test_the_primary_is_tried_again_after_its_cooldown(client, replica_groups, health_by_hand):
    replica_groups.PERF = {**replica_groups.PERF, "FAILOVER_COOLDOWN": 0}
    group = Group.objects.create(name="before")
    health.record_failure("default", "Connection refused")

    response = client.post(reverse("group-rename", args=[group.pk]), {"name": "after"})

    assert response.text == "after"  # the write reached the primary


def test_a_database_that_cannot_be_reached_mid_request_is_a_503_not_a_500(client, settings):
    settings.PERF = {**settings.PERF, "FAILOVER_COOLDOWN": 60}
    assert_read_only_page(client.get(reverse("unreachable")))


def test_the_server_error_handler_answers_503_for_an_unreachable_database_only(settings):
    settings.PERF = {**settings.PERF, "FAILOVER_COOLDOWN": 60}
    request = RequestFactory().get("/")
    try:
        raise OperationalError("the connection is closed")
    except OperationalError:
        assert_read_only_page(server_error(request))
    try:
        raise ZeroDivisionError
    except ZeroDivisionError:
        assert sys.exc_info()[0] is ZeroDivisionError
        assert server_error(request).status_code == 500


def test_readyz_is_ok_degraded_or_unavailable(client, replica_groups, health_by_hand):
    assert client.get("/readyz").json() == {
        "status": "ok",
        "read_only": False,
        "problems": [],
        "nodes": {"default": "up", "replica1": "up", "replica2": "up"},
    }

    health.record_failure("default", "Connection refused")
    degraded = client.get("/readyz")
    assert degraded.status_code == 200
    assert degraded.json()["status"] == "degraded"
    assert degraded.json()["read_only"] is True
    assert degraded.json()["problems"] == ["default down"]

    health.record_failure("replica1", "Connection refused")
    health.record_failure("replica2", "Connection refused")
    unavailable = client.get("/readyz")
    assert unavailable.status_code == 503
    assert unavailable.json()["status"] == "unavailable"
