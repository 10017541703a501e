"""The search page, on either database: what it finds, hides and survives (PostgreSQL's
full-text path itself: test_search.py)."""

import re

import pytest
from django.urls import reverse

from catalog.tests.visitors import names_on

pytestmark = pytest.mark.django_db


def test_search_finds_products_by_name_brand_or_description(client, tree, product_maker):
    product_maker(category=tree["shirts"], name="Linen Shirt", brand="Northwind")
    product_maker(
        category=tree["shirts"], name="Flannel Shirt", brand="Alder", description="Linen lining."
    )
    product_maker(category=tree["footwear"], name="Trail Boot", brand="Oakline")

    assert sorted(names_on(client.get("/search/?q=linen"))) == ["Flannel Shirt", "Linen Shirt"]
    assert names_on(client.get("/search/?q=northwind")) == ["Linen Shirt"]


def test_search_needs_every_word(client, tree, product_maker):
    product_maker(category=tree["shirts"], name="Linen Shirt")
    product_maker(category=tree["shirts"], name="Linen Trousers")

    assert names_on(client.get("/search/?q=linen+shirt")) == ["Linen Shirt"]


def test_search_hides_inactive_products(client, tree, product_maker):
    product_maker(category=tree["shirts"], name="Linen Shirt", is_active=False)

    assert names_on(client.get("/search/?q=linen")) == []


def test_search_without_a_query_shows_the_search_box(client, tree, product_maker):
    product_maker(category=tree["shirts"], name="Linen Shirt")

    response = client.get(reverse("catalog:search"))

    assert response.status_code == 200
    assert names_on(response) == []
    assert 'id="search-page-q"' in response.content.decode()


def test_search_paginates(client, tree, product_maker):
    for number in range(26):
        product_maker(category=tree["shirts"], name=f"Linen Shirt {number}", images=0)

    assert len(client.get("/search/?q=linen").context["products"]) == 24
    assert len(client.get("/search/?q=linen&page=2").context["products"]) == 2
    assert client.get("/search/?q=linen&page=3").status_code == 404


def test_a_5000_character_search_is_cut_short_not_an_error(client, tree, product_maker):
    product_maker(category=tree["shirts"], name="Linen Shirt")

    response = client.get(reverse("catalog:search"), {"q": "linen " + "x" * 5000})

    assert response.status_code == 200
    assert response.context["query"] == "linen " + "x" * 94
    heading = re.search(r"<h1>Results for “(.*)”</h1>", response.content.decode())
    assert heading.group(1) == response.context["query"]


@pytest.mark.parametrize(
    "query", ["\x00", "linen\x00shirt", "'; DROP TABLE catalog_product; --", "!!!", "&|:*"]
)
def test_search_survives_hostile_queries(client, tree, product_maker, query):
    product_maker(category=tree["shirts"], name="Linen Shirt")

    response = client.get(reverse("catalog:search"), {"q": query})

    assert response.status_code == (400 if "\x00" in query else 200)
    assert names_on(response) == []
