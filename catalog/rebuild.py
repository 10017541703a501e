"""The catalog's part of ``manage.py rebuild_cache``: its data objects in bulk, then its pages."""

from collections.abc import Iterator

from django.urls import Resolver404, resolve, reverse

from catalog import selectors
from catalog.cache import (
    SHELVES,
    TREE_KEY,
    card_keys,
    card_namespaces,
    cards,
    category_tree,
    detail_keys,
    detail_namespaces,
    fetch_cards,
    fetch_details,
    related_ids,
    related_key,
    shelf_key,
)
from catalog.models import Category, Product
from catalog.namespaces import LISTINGS, TREE, category_namespace
from perf.cache import data_cache

#: Products per batch when the whole data level is rebuilt, and pages per batch after it.
REBUILD_BATCH = 500
PAGE_BATCH = 100


class CatalogRebuilder:
    """The catalog's part of ``manage.py rebuild_cache`` (``PERF["CACHE_REBUILDERS"]``)."""

    name = "catalog"

    def __init__(self) -> None:
        self.products = list(
            Product.objects.filter(is_active=True)
            .order_by("pk")
            .values_list("pk", "slug", "category_id")
        )
        self.category_of = {pk: category for pk, _, category in self.products}
        self.by_slug = {slug: (pk, slug, category) for pk, slug, category in self.products}

    def data_count(self) -> int:
        # Each product's details, card and related ids; the tree; the home shelves.
        return 3 * len(self.products) + 1 + len(SHELVES)

    def rebuild_data(self) -> Iterator[int]:
        cache = data_cache()
        cache.refresh_many(
            {TREE_KEY: "tree"},
            lambda _: {"tree": selectors.category_tree()},
            namespaces=lambda _: [TREE],
        )
        cache.refresh_many(
            {shelf_key(name): name for name in SHELVES},
            lambda names: {name: [product.pk for product in SHELVES[name]()] for name in names},
            namespaces=lambda _: [LISTINGS],
        )
        yield 1 + len(SHELVES)
        for batch in self._batches(REBUILD_BATCH):
            slugs = detail_keys(slug for _, slug, _ in batch)
            ids = card_keys(pk for pk, _, _ in batch)
            yield (
                len(cache.refresh_many(slugs, fetch_details, namespaces=detail_namespaces))
                + len(cache.refresh_many(ids, fetch_cards, namespaces=card_namespaces))
                + len(self._related(cache.refresh_many, batch))
            )

    def page_count(self) -> int:
        return 1 + Category.objects.count() + len(self.products)

    def page_batches(self) -> Iterator[list[str]]:
        slugs = Category.objects.order_by("pk").values_list("slug", flat=True)
        yield [reverse("home"), *(reverse("catalog:category", args=[slug]) for slug in slugs)]
        for batch in self._batches(PAGE_BATCH):
            yield [reverse("catalog:product", args=[slug]) for _, slug, _ in batch]

    def prepare_pages(self, paths: list[str]) -> None:
        """What the pages read, in bulk: the tree, and the product pages' details, related ids
        and the cards those show."""
        category_tree()
        batch = [self.by_slug[slug] for slug in self._product_slugs(paths) if slug in self.by_slug]
        if batch:
            slugs = detail_keys(slug for _, slug, _ in batch)
            data_cache().get_many(slugs, fetch_details, namespaces=detail_namespaces)
            related = self._related(data_cache().get_many, batch)
            cards(pk for ids in related.values() for pk in ids)

    def _product_slugs(self, paths: list[str]) -> Iterator[str]:
        for path in paths:
            try:
                match = resolve(path)
            except Resolver404:
                continue
            if match.view_name == "catalog:product":
                yield match.kwargs["slug"]

    def _batches(self, size: int) -> Iterator[list[tuple[int, str, int]]]:
        for start in range(0, len(self.products), size):
            yield self.products[start : start + size]

    def _related(self, read, batch) -> dict[str, list[int]]:
        """The related products' ids of the batch's products through ``read`` (``get_many``
        or ``refresh_many``), the same keys as ``catalog.cache.related_cards``."""
        return read(
            {related_key(pk): pk for pk, _, _ in batch},
            self._fetch_related,
            namespaces=lambda pk: [category_namespace(self.category_of[pk])],
        )

    def _fetch_related(self, ids: list[int]) -> dict[int, list[int]]:
        related = related_ids(sorted({self.category_of[pk] for pk in ids}))
        return {pk: related[pk] for pk in ids}
