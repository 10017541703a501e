import re

import pytest
from django.conf import settings

from perf.db import routing

pytestmark = [pytest.mark.urls("perf.tests.db.urls"), pytest.mark.django_db]

ENTRY = re.compile(
    r'^(db;dur=\d+\.\d{2};desc="\d+ queries"'
    r'|db-[\w-]+;dur=\d+\.\d{2};desc="\d+ reads";kinds="[\w:= -]*")$'
)


def entries(response) -> list[str]:
    return [entry.strip() for entry in response["Server-Timing"].split(",")]


def test_every_response_says_how_many_queries_it_ran_and_which_node_served_its_reads(client):
    response = client.get("/groups/count/")
    header = entries(response)
    assert all(ENTRY.match(entry) for entry in header)
    assert header[0].startswith("db;")
    assert header[0].endswith('desc="1 queries"')
    assert header[1].startswith("db-default;")
    assert 'desc="1 reads"' in header[1]


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
    assert 'desc="1 reads"' in header[1]


def test_the_header_names_nodes_never_hosts_or_credentials(client):
    header = client.get("/groups/count/")["Server-Timing"]
    for entry in settings.DATABASES.values():
        for secret in (entry["HOST"], entry["USER"], entry["PASSWORD"], str(entry["PORT"])):
            if secret:
                assert secret not in header


def kinds(response) -> dict[str, dict[str, int]]:
    """``{node: {kind[:reason]: reads}}`` from the response's Server-Timing header, leaving out
    what the ORM did not route (``other``: a new connection's set-up)."""
    found = {}
    for entry in entries(response)[1:]:
        pairs = (item.rpartition("=") for item in entry.rsplit('kinds="', 1)[1][:-1].split())
        counts = {key: int(n) for key, _, n in pairs if not key.startswith("other")}
        found[entry.split(";")[0].removeprefix("db-")] = counts
    return {node: counts for node, counts in found.items() if counts}


def test_reads_are_counted_by_what_they_read_and_why_the_primary_served_them(client):
    assert kinds(client.get("/groups/count/")) == {"default": {"auth:no-replicas": 1}}


@pytest.mark.stack
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_with_replicas_a_replica_read_has_its_kind_and_a_primary_read_its_reason(
    client, replica_groups
):
    from perf.tests.db.factories import GroupFactory

    served = kinds(client.get("/groups/count/"))
    assert served in ({"replica1": {"auth": 1}}, {"replica2": {"auth": 1}})

    with routing.routing_scope(inherit=False):  # the test's own write pins none of its requests
        group = GroupFactory()
    response = client.post(f"/groups/{group.pk}/rename/", {"name": "renamed"})
    assert kinds(response) == {"default": {"auth:unsafe-method": 1}}
    # The write pinned the browser: its next page reads the primary, and says why.
    assert kinds(client.get("/groups/count/")) == {"default": {"auth:pin-cookie": 1}}


def test_reads_are_split_by_kind_only_while_the_diagnostic_headers_are_on(
    client, admin_user, settings
):
    settings.PERF = {**settings.PERF, "DIAGNOSTIC_HEADERS": False}
    client.force_login(admin_user)
    header = entries(client.get("/groups/count/"))
    assert all(ENTRY.match(entry) for entry in header)
    assert kinds(client.get("/groups/count/")) == {}
