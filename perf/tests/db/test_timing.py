import re

import pytest
from django.conf import settings

pytestmark = [pytest.mark.urls("perf.tests.db.urls"), pytest.mark.django_db]

ENTRY = re.compile(r'^(db|db-[\w-]+);dur=\d+\.\d{2};desc="\d+ (queries|reads)"$')


def entries(response) -> list[str]:
    return [entry.strip() for entry in response["Server-Timing"].split(",")]


def test_every_response_says_how_many_queries_it_ran_and_which_node_served_its_reads(client):
    response = client.get("/groups/count/")
    header = entries(response)
    assert all(ENTRY.match(entry) for entry in header)
    assert header[0].startswith("db;")
    assert header[0].endswith('desc="1 queries"')
    assert header[1].startswith("db-default;")
    assert header[1].endswith('desc="1 reads"')


@pytest.mark.urls("shop.urls")
def test_responses_without_queries_and_error_pages_carry_the_header_too(client):
    assert entries(client.get("/healthz")) == ['db;dur=0.00;desc="0 queries"']
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Server-Timing"].startswith("db;")


def test_writes_count_as_queries_but_not_as_reads(client):
    from perf.tests.db.factories import GroupFactory

    group = GroupFactory()
    response = client.post(f"/groups/{group.pk}/rename/", {"name": "renamed"})
    header = entries(response)
    assert header[0].endswith('desc="2 queries"')
    assert header[1].endswith('desc="1 reads"')


def test_the_header_names_nodes_never_hosts_or_credentials(client):
    header = client.get("/groups/count/")["Server-Timing"]
    for entry in settings.DATABASES.values():
        for secret in (entry["HOST"], entry["USER"], entry["PASSWORD"], str(entry["PORT"])):
            if secret:
                assert secret not in header
