"""
Every catalog page renders in a fixed number of queries, however many products it shows: the pages
below list 24 products, each with several variants and images, and must not query per product.
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


# With the data cache cold: a listing reads its page of ids, then their cards (catalog.cache).
@pytest.mark.parametrize(
    ("url", "most", "cards"),
    [
        ("/", 5, 16),
        ("/c/clothing/", 5, 24),
        ("/c/clothing/?sort=-price&min_price=1&max_price=999&in_stock=on&page=2", 5, 24),
        ("/search/?q=linen+piece", 5, 24),
        ("/search/?q=linen&page=2", 5, 24),
    ],
)
def test_listing_pages_run_a_fixed_number_of_queries(
    client, busy_catalog, django_assert_max_num_queries, url, most, cards
):
    with django_assert_max_num_queries(most):
        response = client.get(url)

    assert response.status_code == 200
    assert response.content.decode().count('<article class="card">') == cards


def test_product_page_runs_a_fixed_number_of_queries(
    client, busy_catalog, django_assert_max_num_queries
):
    product = busy_catalog[1]
    ProductVariantFactory.create_batch(10, product=product)
    ProductImageFactory.create_batch(10, product=product)

    with django_assert_max_num_queries(6):
        response = client.get(reverse("catalog:product", args=[product.slug]))

    assert response.status_code == 200
    assert len(response.context["related"]) == 4
    assert response.content.decode().count('name="variant"') == 13
