"""The catalog's part of ``manage.py rebuild_cache``: its data objects in bulk, then its pages."""

from collections.abc import Iterator

from django.urls import reverse

from catalog import selectors
from catalog.cache import (
    SHELVES,
    TREE_KEY,
    card_keys,
    cards,
    category_tree,
    detail_key,
    fetch_cards,
    fetch_details,
    related_ids,
)
from catalog.models import Category, Product
from catalog.namespaces import LISTINGS, TREE, category_namespace, page_namespace
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

    def data_count(self) -> int:
        # Each product's details, card and related ids; the tree; the home shelves.
        return 3 * len(self.products) + 1 + len(SHELVES)

    def rebuild_data(self) -> Iterator[int]:
        cache = data_cache()
        cache.refresh_many({TREE_KEY: [TREE]}, lambda keys: {TREE_KEY: selectors.category_tree()})
        for name, select in SHELVES.items():
            cache.refresh_many(
                {f"home:{name}": [LISTINGS]},
                lambda keys, select=select: {keys[0]: [product.pk for product in select()]},
            )
        yield 1 + len(SHELVES)
        for batch in self._batches(REBUILD_BATCH):
            batch_cards = card_keys(pk for pk, _, _ in batch)
            yield (
                len(cache.refresh_many(self._detail_keys(batch), fetch_details))
                + len(cache.refresh_many(batch_cards, fetch_cards))
                + len(cache.refresh_many(self._related_keys(batch), self._related))
            )

    def page_count(self) -> int:
        return 1 + Category.objects.count() + len(self.products)

    def page_batches(self) -> Iterator[list[str]]:
        slugs = Category.objects.order_by("pk").values_list("slug", flat=True)
        yield [reverse("home"), *(reverse("catalog:category", args=[slug]) for slug in slugs)]
        for batch in self._batches(PAGE_BATCH):
            # What the batch's product pages read, in bulk: L1 and the snapshot then have it.
            category_tree()
            data_cache().get_many(self._detail_keys(batch), fetch_details)
            related = data_cache().get_many(self._related_keys(batch), self._related)
            cards(pk for ids in related.values() for pk in ids)
            yield [reverse("catalog:product", args=[slug]) for _, slug, _ in batch]

    def _batches(self, size: int) -> Iterator[list[tuple[int, str, int]]]:
        for start in range(0, len(self.products), size):
            yield self.products[start : start + size]

    def _detail_keys(self, batch) -> dict[str, list[str]]:
        return {detail_key(slug): [page_namespace(slug)] for _, slug, _ in batch}

    def _related_keys(self, batch) -> dict[str, list[str]]:
        return {f"related:{pk}": [category_namespace(category)] for pk, _, category in batch}

    def _related(self, keys: list[str]) -> dict[str, list[int]]:
        ids = [int(key.removeprefix("related:")) for key in keys]
        related = related_ids(sorted({self.category_of[pk] for pk in ids}))
        return {f"related:{pk}": related[pk] for pk in ids}
