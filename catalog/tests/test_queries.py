"""
Every catalog page renders in a fixed number of queries, however many products it shows: the pages
below list 24 products, each with several variants and images, and must not query per product.
The counts are exact, so that a query added to a page's miss path shows here.
"""

import pytest
from django.urls import reverse

from catalog.tests.factories import ProductImageFactory, ProductVariantFactory

pytestmark = pytest.mark.django_db

PRODUCTS = 60


@pytest.fixture
def busy_catalog(tree, product_maker):
    return [
        product_maker(
            category=tree["shirts" if number % 2 else "women"],
            name=f"Linen Piece {number}",
            price=["20.00", "30.00", "40.00"],
            images=3,
            is_featured=number < 10,
        )
        for number in range(PRODUCTS)
    ]


# With the data cache cold: a listing counts its products, reads its page of ids, then their cards
# (catalog.cache), in one query with their first image; every page reads the category tree.
@pytest.mark.parametrize(
    ("url", "queries", "cards"),
    [
        ("/", 3, 16),  # the tree, each shelf's cards
        ("/c/clothing/", 4, 24),
        ("/c/clothing/?sort=-price&min_price=1&max_price=999&in_stock=on&page=2", 4, 24),
        ("/search/?q=linen+piece", 4, 24),
        ("/search/?q=linen&page=2", 4, 24),
    ],
)
def test_listing_pages_run_a_fixed_number_of_queries(
    client, busy_catalog, django_assert_num_queries, url, queries, cards
):
    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200
    assert response.content.decode().count('<article class="card">') == cards


def test_product_page_runs_a_fixed_number_of_queries(
    client, busy_catalog, django_assert_num_queries
):
    product = busy_catalog[1]
    ProductVariantFactory.create_batch(10, product=product)
    ProductImageFactory.create_batch(10, product=product)

    # The product with its variants and images (three), the tree, the related cards.
    with django_assert_num_queries(5):
        response = client.get(reverse("catalog:product", args=[product.slug]))

    assert response.status_code == 200
    assert len(response.context["related"]) == 4
    assert response.content.decode().count('name="variant"') == 13
