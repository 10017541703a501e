"""The ``{% cache %}`` variant of ``make bench-views`` is a fair baseline: the page it serves is the
product page, and a fragment hit reads the product alone."""

import pytest

from catalog.tests.factories import (
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    ProductVariantFactory,
)
from loadtests.bench_views import TEMPLATES

pytestmark = pytest.mark.django_db


@pytest.fixture
def fragment_site(settings):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], TEMPLATES]}]
    settings.ROOT_URLCONF = "loadtests.bench_urls"
    settings.PERF = {**settings.PERF, "PAGE_CACHE": False, "DATA_CACHE": False}


@pytest.fixture
def product(db):
    product = ProductFactory(category=CategoryFactory(name="Tents"), name="Ridge Tent")
    ProductVariantFactory(product=product, name="Two person", price="199.00", stock=9)
    ProductImageFactory(product=product)
    return product


def test_the_fragment_page_shows_what_the_product_page_shows(client, fragment_site, product):
    page = client.get(f"/p/{product.slug}/").content.decode()
    fragment = client.get(f"/bench/fragment/p/{product.slug}/").content.decode()

    for text in (
        "<title>Ridge Tent",
        "Tents</a>",
        "Two person",
        "$199.00",
        'class="product__image"',
    ):
        assert text in page
        assert text in fragment


def test_a_fragment_hit_reads_the_product_alone(
    client, fragment_site, product, django_assert_num_queries
):
    path = f"/bench/fragment/p/{product.slug}/"
    client.get(path)

    with django_assert_num_queries(1):
        assert "Two person" in client.get(path).content.decode()
