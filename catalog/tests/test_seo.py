"""What search engines read: canonical links on listings, the sitemap and robots.txt."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def canonical(client, url: str) -> str:
    html = client.get(url).content.decode()
    links = re.findall(r'<link rel="canonical" href="([^"]*)">', html)
    assert len(links) == 1, links
    return links[0].replace("&amp;", "&")


@pytest.fixture
def shirts(tree, product_maker):
    for number in range(30):  # two pages of 24
        product_maker(category=tree["shirts"], name=f"Linen shirt {number}")
    return tree["shirts"].get_absolute_url()


def test_a_filtered_category_is_canonical_to_the_category_alone(client, shirts):
    url = f"{shirts}?sort=price&min_price=5&in_stock=1&utm_source=mail"

    assert canonical(client, url) == f"http://testserver{shirts}"


def test_a_later_page_is_canonical_to_itself_without_filters_or_tracking(client, shirts):
    assert canonical(client, f"{shirts}?page=2&sort=-price&gclid=x") == (
        f"http://testserver{shirts}?page=2"
    )
    assert canonical(client, f"{shirts}?page=1") == f"http://testserver{shirts}"


def test_search_is_canonical_to_its_query_and_page(client, shirts):
    search = reverse("catalog:search")

    assert canonical(client, f"{search}?utm_campaign=x&q=linen+shirt&page=2") == (
        f"http://testserver{search}?q=linen+shirt&page=2"
    )


def test_the_canonical_link_of_a_cached_page_is_never_another_visitors(client, shirts):
    """Tracking tags are not in the page key: the first visitor's must not be cached."""
    canonical(client, f"{shirts}?utm_source=first&page=2")

    assert canonical(client, f"{shirts}?utm_source=second&page=2") == (
        f"http://testserver{shirts}?page=2"
    )
    assert client.get(f"{shirts}?utm_source=third&page=2")["X-Cache"] == "hit"


def test_the_sitemap_lists_every_category_and_active_product(client, tree, product_maker):
    active = product_maker(category=tree["shirts"])
    hidden = product_maker(category=tree["shirts"], is_active=False)

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    xml = response.content.decode()
    for category in tree.values():
        assert f"<loc>http://testserver{category.get_absolute_url()}</loc>" in xml
    assert f"<loc>http://testserver{active.get_absolute_url()}</loc>" in xml
    assert hidden.get_absolute_url() not in xml
    assert "<lastmod>" in xml


def test_robots_keeps_crawlers_off_personal_pages_and_points_at_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response["Content-Type"] == "text/plain"
    lines = response.content.decode().splitlines()
    for prefix in ("/cart/", "/checkout/", "/accounts/", "/admin/", "/search/"):
        assert f"Disallow: {prefix}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
