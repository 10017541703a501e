import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from perf.db import health
from perf.tests.db.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("perf:status"))
    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next=/perf/"


def test_users_who_are_not_staff_are_refused(client):
    client.force_login(StaffFactory(is_staff=False, is_superuser=False))
    assert client.get(reverse("perf:status")).status_code == 403


def test_staff_see_each_node_with_its_role_state_lag_reads_and_failovers(
    client, replica_groups, health_by_hand
):
    health.record_failure("replica1", "Connection refused")
    health.record_failover("replica1", "replica1", "replica2", "connect_failed")
    health.record_lag("replica2", 2048, 0.5)
    health.record_reads({"replica2": (7, 3.0)})
    client.force_login(StaffFactory())
    response = client.get(reverse("perf:status"))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    html = response.content.decode()
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html
    databases = html.split('<section id="databases">')[1].split("</section>")[0]
    rows = {row.split("</th>")[0].rsplit(">", 1)[-1]: row for row in databases.split("<tr>")[2:]}
    assert set(rows) == {"default", "replica1", "replica2"}
    assert "<td>primary" in rows["default"]
    assert "<td>replica" in rows["replica1"]
    assert 'class="state-down"' in rows["replica1"]
    assert "Connection refused" in rows["replica1"]
    assert 'class="state-up"' in rows["replica2"]
    assert ">2048<" in rows["replica2"]


def test_staff_get_the_same_data_as_json(client, replica_groups, health_by_hand):
    health.record_reads({"replica1": (4, 2.0)})
    health.record_failover("replica1", "replica1", "replica2", "connection_lost")
    client.force_login(StaffFactory())
    data = client.get(reverse("perf:status"), {"format": "json"}).json()
    nodes = {node["name"]: node for node in data["databases"]["nodes"]}
    assert nodes["replica1"]["reads"] == 4
    assert nodes["replica1"]["failovers"] == 1
    assert nodes["default"]["role"] == "primary"
    assert nodes["replica2"]["state"] == "up"


@pytest.mark.stack
def test_after_a_promotion_staff_see_which_replica_alias_is_the_primary_now(
    client, replica_groups, health_by_hand
):
    replica1 = settings.DATABASES["replica1"]
    health.record_connected("default", server=f"{replica1['HOST']}:{replica1['PORT']}")
    client.force_login(StaffFactory())
    data = client.get(reverse("perf:status"), {"format": "json"}).json()
    nodes = {node["name"]: node for node in data["databases"]["nodes"]}
    assert nodes["default"]["server"] == f"{replica1['HOST']}:{replica1['PORT']}"
    assert nodes["replica1"]["role"] == "promoted: the primary now"
    assert nodes["replica2"]["role"] == "replica"


def test_healthz_answers_without_touching_the_database_or_setting_cookies(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert not response.cookies
