"""
The catalog's data objects, cached through ``perf.cache``, and what invalidates them.

Every page is built from the same few objects: the category tree (the navigation, breadcrumbs and
counts), product details (active variants with price and stock, images), product cards (what a
listing shows, with their HTML rendered once for every page that lists them) and lists of product
ids (related products, the home shelves). They are read in batches, so a page costs a fixed
number of cache round trips and, once they are cached, no query.

Each object lives in a namespace, and so does each page (``catalog.namespaces`` says which
edits retire which); saving a model bumps, after commit, the namespaces whose objects it changes.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence

from django.db.models import F, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse

from catalog import selectors
from catalog.models import Category, Product, ProductImage, ProductVariant
from catalog.namespaces import (
    LISTINGS,
    TREE,
    card_namespace,
    category_namespace,
    listing_namespace,
    page_namespace,
)
from catalog.signals import stock_changed, stock_state
from perf.cache import data_cache, invalidate
from perf.db.routing import use_primary
from perf.twopass.keys import template_version

#: Products per batch when the whole data level is rebuilt, and pages per batch after it.
REBUILD_BATCH = 500
PAGE_BATCH = 100

#: The home page's shelves of products, by name.
SHELVES = {"featured": selectors.featured_products, "new-arrivals": selectors.new_arrivals}


def card_keys(ids: Iterable[int]) -> dict[str, list[str]]:
    """The data-cache keys of the cards of ``ids``, with their namespaces."""
    return {_card_key(pk): [card_namespace(pk)] for pk in ids}


def _card_key(product_id: int) -> str:
    # A card holds its HTML, so the templates' version is part of its key.
    return f"card:{template_version()}:{product_id}"


# --- Reads ---------------------------------------------------------------------------------------


def category_tree() -> selectors.CategoryTree:
    return data_cache().get_or_set("tree", selectors.category_tree, namespaces=[TREE])


def product_detail(slug: str) -> Product | None:
    """An active product with its category, active variants and images; None if there is none."""
    details = product_details([slug])
    return details[0] if details else None


def product_details(slugs: Iterable[str]) -> list[Product]:
    """The details of the active products among ``slugs``, in that order."""
    keys = {f"product:{slug}": [page_namespace(slug)] for slug in slugs}
    found = data_cache().get_many(keys, _details)
    return [found[key] for key in keys if key in found]


def ids_of(products: QuerySet[Product]) -> QuerySet:
    """The primary keys of a listing, in its order: pages then show the cached cards."""
    return products.prefetch_related(None).values_list("pk", flat=True)


def cards(ids: Iterable[int]) -> list[Product]:
    """Product cards for ``ids``, in that order; inactive or deleted products are left out."""
    keys = card_keys(ids)
    found = data_cache().get_many(keys, _cards)
    return [found[key] for key in keys if key in found]


def related_cards(product: Product) -> list[Product]:
    """Cards of a few other products of the category (``selectors.related_products``)."""
    return _shelf(
        f"related:{product.pk}",
        lambda: selectors.related_products(product),
        namespaces=[category_namespace(product.category_id)],
    )


def shelf_cards(name: str) -> list[Product]:
    """The cards of a home shelf (``SHELVES``)."""
    return _shelf(f"home:{name}", SHELVES[name], namespaces=[LISTINGS])


def _shelf(
    key: str, select: Callable[[], list[Product]], *, namespaces: list[str]
) -> list[Product]:
    """The cards of a list of products whose ids are cached under ``key``.

    When the ids had to be computed, the selector has just read the cards too: they are cached
    and shown as they are, instead of being read again.
    """
    selected: list[Product] = []

    def select_ids() -> list[int]:
        selected.extend(_with_html(product) for product in select())
        by_key = {_card_key(product.pk): product for product in selected}
        data_cache().refresh_many(card_keys(product.pk for product in selected), lambda _: by_key)
        return [product.pk for product in selected]

    ids = data_cache().get_or_set(key, select_ids, namespaces=namespaces)
    return selected if selected else cards(ids)


def _details(keys: list[str]) -> dict[str, Product]:
    slugs = [key.removeprefix("product:") for key in keys]
    products = selectors.product_page_queryset().filter(slug__in=slugs)
    return {f"product:{product.slug}": product for product in products}


def _cards(keys: list[str]) -> dict[str, Product]:
    ids = [int(key.rsplit(":", 1)[1]) for key in keys]
    products = selectors.product_cards(Product.objects.filter(pk__in=ids))
    return {_card_key(product.pk): _with_html(product) for product in products}


def _with_html(product: Product) -> Product:
    """The card with its HTML rendered once, for every page that lists it."""
    product.card_html = render_to_string("includes/product_card.html", {"product": product})
    return product


def _related_ids(category_ids: Sequence[int]) -> dict[int, list[int]]:
    """For every active product of ``category_ids``, its related products' ids, in one query
    for the rebuild: the same choice as ``selectors.related_products`` (the newest active products
    of the category, the product itself left out)."""
    size = selectors.RELATED_PRODUCTS
    ranked = (
        Product.objects.filter(category_id__in=category_ids, is_active=True)
        .annotate(
            rank=Window(RowNumber(), partition_by=F("category_id"), order_by=["-created_at", "-pk"])
        )
        .order_by("-created_at", "-pk")
        .values_list("pk", "category_id", "rank")
    )
    newest: dict[int, list[int]] = {}
    members: dict[int, list[int]] = {}
    for pk, category_id, rank in ranked:
        members.setdefault(category_id, []).append(pk)
        if rank <= size + 1:
            newest.setdefault(category_id, []).append(pk)
    return {
        pk: [other for other in newest[category_id] if other != pk][:size]
        for category_id, products in members.items()
        for pk in products
    }


# --- Invalidation, after commit ------------------------------------------------------------------


def listings_showing(product_ids: Iterable[int], *, using: str | None = None) -> list[str]:
    """The namespaces of the listings that may show the cards of ``product_ids``: the home page
    and search (``LISTINGS``), and the pages of their categories and of those above them."""
    categories = {
        pk: (parent_id, slug)
        for pk, parent_id, slug in Category.objects.db_manager(using).values_list(
            "pk", "parent_id", "slug"
        )
    }
    products = Product.objects.db_manager(using).filter(pk__in=set(product_ids))
    listed_in = set()
    for category_id in products.values_list("category_id", flat=True):
        while category_id in categories and category_id not in listed_in:
            listed_in.add(category_id)
            category_id = categories[category_id][0]
    return [LISTINGS, *(listing_namespace(categories[pk][1]) for pk in listed_in)]


def pages_of_categories(category_ids: Iterable[int], *, using: str | None = None) -> list[str]:
    """The page namespaces of every product of ``category_ids``: the pages whose related-products
    shelf shows products of those categories. ``using``: the database the change was written to,
    which a replica may not have replayed yet."""
    products = Product.objects.db_manager(using).filter(category_id__in=category_ids)
    return [page_namespace(slug) for slug in products.values_list("slug", flat=True)]


def pages_showing_cards(product_ids: Iterable[int], *, using: str | None = None) -> list[str]:
    """The page namespaces of the product pages whose related-products shelf may show the card of
    one of ``product_ids``: those of its category, if it is among the newest products there
    (``selectors.related_products``). The others' cards are on no product page."""
    product_ids = set(product_ids)
    products = Product.objects.db_manager(using)
    categories = products.filter(pk__in=product_ids).values_list("category_id", flat=True)
    newest = (
        products.filter(category_id__in=categories, is_active=True)
        .annotate(
            rank=Window(RowNumber(), partition_by=F("category_id"), order_by=["-created_at", "-pk"])
        )
        .values_list("pk", "category_id", "rank")
    )
    shown_in = {
        category_id
        for pk, category_id, rank in newest
        if pk in product_ids and rank <= selectors.RELATED_PRODUCTS + 1
    }
    return pages_of_categories(shown_in, using=using)


@receiver(post_save, sender=Category)
@receiver(post_delete, sender=Category)
def category_changed(sender, instance: Category, using: str, **kwargs) -> None:
    invalidate(TREE, using=using)


@receiver(pre_save, sender=Product)
def remember_product_before_save(sender, instance: Product, **kwargs) -> None:
    """Keep the slug and category the product had, to retire what was cached under them."""
    instance._cached_before = (
        Product.objects.filter(pk=instance.pk).values_list("slug", "category_id").first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=Product)
@receiver(post_delete, sender=Product)
def product_changed(sender, instance: Product, using: str, **kwargs) -> None:
    slugs, categories = {instance.slug}, {instance.category_id}
    before = getattr(instance, "_cached_before", None)
    if before:
        slugs.add(before[0])
        categories.add(before[1])
    invalidate(
        TREE,
        LISTINGS,
        card_namespace(instance.pk),
        *map(page_namespace, slugs),
        *map(category_namespace, categories),
        *pages_of_categories(categories, using=using),
        using=using,
    )


@receiver(post_save, sender=ProductVariant)
@receiver(post_delete, sender=ProductVariant)
@receiver(post_save, sender=ProductImage)
@receiver(post_delete, sender=ProductImage)
def product_part_changed(sender, instance, using: str, **kwargs) -> None:
    product = Product.objects.using(using).filter(pk=instance.product_id).first()
    namespaces = [card_namespace(instance.product_id)]
    if product is not None:
        namespaces.append(page_namespace(product.slug))
    shown_on = [
        *listings_showing([instance.product_id], using=using),
        *pages_showing_cards([instance.product_id], using=using),
    ]
    invalidate(*namespaces, *shown_on, using=using)


@receiver(stock_changed)
@use_primary()
def stock_moved(sender, variant_ids: Iterable[int], **kwargs) -> None:
    """Retire what shows a stock badge that the change moved (in stock / low / out), only that.

    The badges on show are the ones in the cached details and cards: a product whose details or
    card are not cached counts as moved, since a page built from them may still be cached.
    """
    variants = list(
        ProductVariant.objects.filter(pk__in=variant_ids, is_active=True).values_list(
            "pk", "stock", "product_id", "product__slug"
        )
    )
    product_ids = {product_id for _, _, product_id, _ in variants}
    totals = dict(
        ProductVariant.objects.filter(product_id__in=product_ids, is_active=True)
        .values("product_id")
        .annotate(total=Sum("stock"))
        .values_list("product_id", "total")
    )
    slugs = {product_id: slug for _, _, product_id, slug in variants}
    details = data_cache().peek_many({f"product:{s}": [page_namespace(s)] for s in slugs.values()})
    shown_cards = data_cache().peek_many(card_keys(product_ids))

    moved_pages = set()
    for pk, stock, product_id, slug in variants:
        detail = details.get(f"product:{slug}")
        shown = {v.pk: v.stock for v in detail.active_variants} if detail else {}
        if pk not in shown or stock_state(shown[pk]) != stock_state(stock):
            moved_pages.add(product_id)
    moved_cards = {
        product_id
        for product_id in product_ids
        if (card := shown_cards.get(_card_key(product_id))) is None
        or stock_state(card.stock_total) != stock_state(totals.get(product_id, 0))
    }
    namespaces = [ns for p in moved_pages for ns in (card_namespace(p), page_namespace(slugs[p]))]
    if moved_cards:
        namespaces += map(card_namespace, moved_cards)
        namespaces += listings_showing(moved_cards)
        namespaces += pages_showing_cards(moved_cards)
    if namespaces:
        invalidate(*namespaces)


# --- rebuild_cache -------------------------------------------------------------------------------


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
        cache.refresh_many({"tree": [TREE]}, lambda keys: {"tree": selectors.category_tree()})
        for name, select in SHELVES.items():
            cache.refresh_many(
                {f"home:{name}": [LISTINGS]},
                lambda keys, select=select: {keys[0]: [product.pk for product in select()]},
            )
        yield 1 + len(SHELVES)
        for batch in self._batches(REBUILD_BATCH):
            batch_cards = card_keys(pk for pk, _, _ in batch)
            yield (
                len(cache.refresh_many(self._detail_keys(batch), _details))
                + len(cache.refresh_many(batch_cards, _cards))
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
            data_cache().get_many(self._detail_keys(batch), _details)
            related = data_cache().get_many(self._related_keys(batch), self._related)
            cards(pk for ids in related.values() for pk in ids)
            yield [reverse("catalog:product", args=[slug]) for _, slug, _ in batch]

    def _batches(self, size: int) -> Iterator[list[tuple[int, str, int]]]:
        for start in range(0, len(self.products), size):
            yield self.products[start : start + size]

    def _detail_keys(self, batch) -> dict[str, list[str]]:
        return {f"product:{slug}": [page_namespace(slug)] for _, slug, _ in batch}

    def _related_keys(self, batch) -> dict[str, list[str]]:
        return {f"related:{pk}": [category_namespace(category)] for pk, _, category in batch}

    def _related(self, keys: list[str]) -> dict[str, list[int]]:
        ids = [int(key.removeprefix("related:")) for key in keys]
        related = _related_ids(sorted({self.category_of[pk] for pk in ids}))
        return {f"related:{pk}": related[pk] for pk in ids}
