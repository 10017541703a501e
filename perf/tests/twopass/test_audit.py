"""The invalidation-graph audit: a page that reads a table none of its namespaces covers fails."""

import pytest

from perf.twopass.audit import UncoveredRead, audit_pass_one, covered_tables

pytestmark = pytest.mark.django_db


def test_a_table_no_namespace_of_the_page_covers_fails_its_render(client):
    audit = audit_pass_one({"people": ["auth_group"]})
    with audit, pytest.raises(UncoveredRead, match="auth_user"):
        client.get("/people/")


def test_a_page_whose_tables_are_covered_renders(client):
    with audit_pass_one({"people": ["auth_user"]}):
        assert client.get("/people/").status_code == 200


def test_a_family_of_namespaces_covers_its_members():
    tables_of = {"catalog:product": ["catalog_product"], "catalog": ["catalog_category"]}

    assert covered_tables(["catalog:product:42"], tables_of) == {
        "catalog_product",
        "catalog_category",
    }
    assert covered_tables(["catalog:product-page:x"], tables_of) == {"catalog_category"}
