"""
The catalog's data objects, cached through ``perf.cache``, and what invalidates them.

Every page is built from the same few objects: the category tree (the navigation, breadcrumbs and
counts), product details (active variants with price and stock, images), product cards (what a
listing shows, with their HTML rendered once for every page that lists them) and lists of product
ids (related products, the home shelves). They are read in batches, so a page costs a fixed
number of cache round trips and, once they are cached, no query.

Each object lives in a namespace, and so does each page (``catalog.namespaces`` says which
edits retire which); saving a model bumps, after commit, the namespaces whose objects it changes.
The keys of cached objects carry their shape (``perf.cache.shapes``): during a deploy the old and
the new release share Redis, and neither reads the objects of the other.
"""

from collections.abc import Callable, Iterable, Sequence

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.template.loader import render_to_string

from catalog import selectors
from catalog.models import Category, Product, ProductImage, ProductVariant
from catalog.namespaces import (
    LISTINGS,
    TREE,
    card_namespace,
    category_namespace,
    page_namespace,
)
from perf.cache import data_cache, shape
from perf.twopass import template_version

#: What a cached product (details or card) and the cached category tree hold.
PRODUCT_SHAPE = shape(Product, Category, ProductVariant, ProductImage)
TREE_SHAPE = shape(selectors.CategoryTree, Category)
TREE_KEY = f"tree:{TREE_SHAPE}"

#: The home page's shelves of products, by name.
SHELVES = {"featured": selectors.featured_products, "new-arrivals": selectors.new_arrivals}


def card_keys(ids: Iterable[int]) -> dict[str, int]:
    """The data-cache keys of the cards of ``ids``, each with its id."""
    return {card_key(pk): pk for pk in ids}


def card_namespaces(product_id: int) -> list[str]:
    return [card_namespace(product_id)]


def detail_keys(slugs: Iterable[str]) -> dict[str, str]:
    """The data-cache keys of the details of ``slugs``, each with its slug."""
    return {detail_key(slug): slug for slug in slugs}


def detail_namespaces(slug: str) -> list[str]:
    return [page_namespace(slug)]


def detail_key(slug: str) -> str:
    return f"product:{PRODUCT_SHAPE}:{slug}"


def related_key(product_id: int) -> str:
    return f"related:{product_id}"


def shelf_key(name: str) -> str:
    return f"home:{name}"


def card_key(product_id: int) -> str:
    # A card holds its HTML, so the templates' version is part of its key.
    return f"card:{template_version()}:{PRODUCT_SHAPE}:{product_id}"


# --- Reads ---------------------------------------------------------------------------------------


def category_tree() -> selectors.CategoryTree:
    return data_cache().get_or_set(TREE_KEY, selectors.category_tree, namespaces=[TREE])


def product_detail(slug: str) -> Product | None:
    """An active product with its category, active variants and images; None if there is none."""
    details = product_details([slug])
    return details[0] if details else None


def product_details(slugs: Iterable[str]) -> list[Product]:
    """The details of the active products among ``slugs``, in that order."""
    keys = detail_keys(slugs)
    found = data_cache().get_many(keys, fetch_details, namespaces=detail_namespaces)
    return [found[key] for key in keys if key in found]


def ids_of(products: QuerySet[Product]) -> QuerySet:
    """The primary keys of a listing, in its order: pages then show the cached cards."""
    return products.prefetch_related(None).values_list("pk", flat=True)


def cards(ids: Iterable[int]) -> list[Product]:
    """Product cards for ``ids``, in that order; inactive or deleted products are left out."""
    keys = card_keys(ids)
    found = data_cache().get_many(keys, fetch_cards, namespaces=card_namespaces)
    return [found[key] for key in keys if key in found]


def related_cards(product: Product) -> list[Product]:
    """Cards of a few other products of the category (``selectors.related_products``)."""
    return _shelf(
        related_key(product.pk),
        lambda: selectors.related_products(product),
        namespaces=[category_namespace(product.category_id)],
    )


def shelf_cards(name: str) -> list[Product]:
    """The cards of a home shelf (``SHELVES``)."""
    return _shelf(shelf_key(name), SHELVES[name], namespaces=[LISTINGS])


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
        by_id = {product.pk: product for product in selected}
        data_cache().refresh_many(card_keys(by_id), lambda _: by_id, namespaces=card_namespaces)
        return [product.pk for product in selected]

    ids = data_cache().get_or_set(key, select_ids, namespaces=namespaces)
    return selected if selected else cards(ids)


def fetch_details(slugs: list[str]) -> dict[str, Product]:
    """The details of the active products among ``slugs``, by slug, in one query."""
    products = selectors.product_page_queryset().filter(slug__in=slugs)
    return {product.slug: product for product in products}


def fetch_cards(ids: list[int]) -> dict[int, Product]:
    """The cards of the active products among ``ids``, by id, in one query, HTML rendered."""
    products = selectors.product_cards(Product.objects.filter(pk__in=ids))
    return {product.pk: _with_html(product) for product in products}


def _with_html(product: Product) -> Product:
    """The card with its HTML rendered once, for every page that lists it."""
    product.card_html = render_to_string("includes/product_card.html", {"product": product})
    return product


def related_ids(category_ids: Sequence[int]) -> dict[int, list[int]]:
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
