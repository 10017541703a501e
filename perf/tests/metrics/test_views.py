"""Who may read ``/metrics``: a scraper with the token, or staff; anyone else gets a 403."""

import pytest

from perf.tests.factories import UserFactory
from perf.tests.metrics.conftest import TOKEN

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(settings):
    settings.PERF = {**settings.PERF, "METRICS_TOKEN": TOKEN}


def test_a_scraper_with_the_token_reads_without_touching_the_database(
    client, token, django_assert_num_queries
):
    client.get("/healthz")
    with django_assert_num_queries(0):
        response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert 'perf_request_duration_seconds_count{status="2xx",view="healthz"} 1.0' in response.text
    assert not response.cookies


@pytest.mark.parametrize(
    "authorization", [f"Bearer {TOKEN}x", "Bearer ", f"Basic {TOKEN}", "Bearer jeton-été"]
)
def test_a_wrong_token_is_refused_without_reading_the_session(
    client, token, authorization, django_assert_num_queries
):
    client.force_login(UserFactory(is_staff=True))
    with django_assert_num_queries(0):
        response = client.get("/metrics", headers={"Authorization": authorization})
    assert response.status_code == 403


def test_without_a_configured_token_no_bearer_is_accepted(client):
    response = client.get("/metrics", headers={"Authorization": "Bearer "})
    assert response.status_code == 403


def test_staff_read_it_with_their_session(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/metrics").status_code == 200


@pytest.mark.parametrize("is_staff", [None, False])
def test_anonymous_visitors_and_customers_are_refused(client, is_staff):
    if is_staff is not None:
        client.force_login(UserFactory(is_staff=is_staff))
    assert client.get("/metrics").status_code == 403
