"""The catalog's cached data objects: pages rebuilt from them run (almost) no query."""

import json

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog import cache, rebuild, selectors
from catalog.models import ProductVariant
from catalog.signals import stock_changed
from perf.cache import data_cache, generations
from perf.twopass import ALL_PAGES

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(tree, product_maker):
    return [
        product_maker(category=tree["shirts" if n % 2 else "women"], name=f"Piece {n}", stock=20)
        for n in range(12)
    ]


def test_a_product_page_rebuilt_from_cached_data_runs_no_query(
    client, catalog, django_assert_num_queries
):
    url = reverse("catalog:product", args=[catalog[3].slug])
    first = client.get(url)
    generations().bump_now(ALL_PAGES)

    with django_assert_num_queries(0):
        again = client.get(url)

    assert again["X-Cache"] == "miss"
    assert again.content == first.content.replace(*_tokens(first, again))


def _tokens(first, again) -> tuple[bytes, bytes]:
    """The CSRF tokens of two renders, which differ by design."""
    marker = b'name="csrfmiddlewaretoken" value="'
    return tuple(r.content.split(marker)[1].split(b'"')[0] for r in (first, again))


def test_a_listing_rebuilt_from_cached_data_reads_only_its_ids(
    client, catalog, django_assert_num_queries
):
    client.get("/c/clothing/")
    generations().bump_now(ALL_PAGES)

    with django_assert_num_queries(2):  # the count and the page of ids
        response = client.get("/c/clothing/")

    assert response.text.count('<article class="card">') == 12


def test_unknown_and_inactive_products_are_not_found_and_not_cached(client, catalog):
    catalog[0].is_active = False
    catalog[0].save()

    assert client.get(reverse("catalog:product", args=[catalog[0].slug])).status_code == 404
    assert client.get(reverse("catalog:product", args=["no-such-thing"])).status_code == 404
    assert cache.product_detail("no-such-thing") is None
    assert (
        data_cache().peek_many(
            cache.detail_keys(["no-such-thing"]), namespaces=cache.detail_namespaces
        )
        == {}
    )


def test_the_rebuild_picks_the_related_products_the_pages_show(catalog):
    related = cache.related_ids([product.category_id for product in catalog])

    for product in catalog:
        assert related[product.pk] == [p.pk for p in selectors.related_products(product)]


def test_rebuild_cache_renders_every_page_from_the_data_level(
    client, catalog, tree, tmp_path, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(rebuild, "REBUILD_BATCH", 5)
    call_command("rebuild_cache", base_url="http://testserver", json_path=tmp_path / "s.json")

    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["data"]["items"] == 3 * 12 + 3
    assert summary["pages"]["items"] == 1 + len(tree) + 12
    # Listings read their ids, product pages nothing; 3 queries list the pages to render.
    assert summary["pages"]["queries"] <= 2 * len(tree) + 3
    for product in catalog:
        with django_assert_num_queries(0):
            response = client.get(reverse("catalog:product", args=[product.slug]))
        assert response["X-Cache"] == "hit"


@pytest.mark.stack  # the workers' pages reach the test through Redis
@pytest.mark.django_db(transaction=True)  # forked workers see committed rows only
def test_rebuild_cache_in_two_workers_renders_every_page(client, catalog, tree, tmp_path):
    call_command(
        "rebuild_cache", base_url="http://testserver", workers=2, json_path=tmp_path / "s.json"
    )

    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["pages"]["items"] == 1 + len(tree) + 12
    # The workers' queries count too: the listings' ids, each worker's bulk reads.
    assert 2 * len(tree) <= summary["pages"]["queries"] <= 2 * len(tree) + 20
    for path in ["/", "/c/clothing/", *(product.get_absolute_url() for product in catalog)]:
        assert client.get(path)["X-Cache"] == "hit"


def test_the_naive_rebuild_reads_the_database_for_every_page(catalog, tree, tmp_path):
    call_command(
        "rebuild_cache",
        base_url="http://testserver",
        without_data_cache=True,
        json_path=tmp_path / "s.json",
    )

    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["pages"]["items"] == 1 + len(tree) + 12
    assert summary["queries_per_page"] > 3


def test_a_stock_change_on_a_product_never_cached_retires_its_page(
    catalog, django_capture_on_commit_callbacks
):
    product = catalog[5]
    before = generations().read([cache.page_namespace(product.slug), cache.LISTINGS])

    with django_capture_on_commit_callbacks(execute=True):
        stock_changed.send(sender=ProductVariant, variant_ids=[product.variants.get().pk])

    after = generations().read([cache.page_namespace(product.slug), cache.LISTINGS])
    assert all(after[ns] > before[ns] for ns in before)


def test_a_product_saved_inside_a_transaction_is_retired_after_the_commit(
    client, catalog, django_capture_on_commit_callbacks
):
    url = reverse("catalog:product", args=[catalog[2].slug])
    client.get(url)

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        catalog[2].brand = "Northwind"
        catalog[2].save()
        assert client.get(url)["X-Cache"] == "hit"

    assert "Northwind" in client.get(url).text


def test_products_cached_by_a_release_of_another_shape_are_not_read(catalog, monkeypatch):
    slugs = [product.slug for product in catalog[:3]]
    cache.product_details(slugs)
    with CaptureQueriesContext(connection) as this_release:
        cache.product_details(slugs)

    monkeypatch.setattr(cache, "PRODUCT_SHAPE", "other-shape")
    data_cache().clear_local()
    with CaptureQueriesContext(connection) as other_release:
        details = cache.product_details(slugs)

    assert len(this_release) == 0
    assert len(other_release) > 0
    assert [product.slug for product in details] == slugs
    assert cache.detail_key("x") == "product:other-shape:x"
