"""Two-pass pages on the stack's PostgreSQL and Redis."""

import pytest
from django.test import Client

from perf.tests.factories import UserFactory

pytestmark = [pytest.mark.stack, pytest.mark.django_db]


def test_pages_stay_up_when_redis_stops_mid_test(stack, settings):
    # Nothing kept in the process meanwhile: every page is rendered (test_down.py keeps them).
    settings.PERF = {**settings.PERF, "L2_RETRY_AFTER": 0.2, "L2_DOWN_TTL": 0}
    shopper = Client()
    shopper.force_login(UserFactory(first_name="Fay"))
    anonymous = Client()
    assert shopper.get("/page/")["X-Cache"] == "miss"
    assert anonymous.get("/page/")["X-Cache"] == "hit"

    stack.stop_redis()
    during = [client.get("/page/") for client in (shopper, anonymous, Client()) for _ in range(2)]

    assert [response.status_code for response in during] == [200] * 6
    assert "Hi, Fay" in during[0].text
    assert {response["X-Cache"] for response in during} == {"miss"}
