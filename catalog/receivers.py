"""
What invalidates the catalog's cached data and pages: receivers of the model signals and of
``stock_changed``, which bump, after commit, the namespaces whose objects a change touches
(``catalog.namespaces`` says which tables retire which namespace).
"""

from collections.abc import Iterable

from django.db.models import F, Sum, Window
from django.db.models.functions import RowNumber
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from catalog import selectors
from catalog.cache import (
    card_key,
    card_keys,
    card_namespaces,
    detail_key,
    detail_keys,
    detail_namespaces,
)
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
from perf.db import use_primary


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
    details = data_cache().peek_many(detail_keys(slugs.values()), namespaces=detail_namespaces)
    shown_cards = data_cache().peek_many(card_keys(product_ids), namespaces=card_namespaces)

    moved_pages = set()
    for pk, stock, product_id, slug in variants:
        detail = details.get(detail_key(slug))
        shown = {v.pk: v.stock for v in detail.active_variants} if detail else {}
        if pk not in shown or stock_state(shown[pk]) != stock_state(stock):
            moved_pages.add(product_id)
    moved_cards = {
        product_id
        for product_id in product_ids
        if (card := shown_cards.get(card_key(product_id))) is None
        or stock_state(card.stock_total) != stock_state(totals.get(product_id, 0))
    }
    namespaces = [ns for p in moved_pages for ns in (card_namespace(p), page_namespace(slugs[p]))]
    if moved_cards:
        namespaces += map(card_namespace, moved_cards)
        namespaces += listings_showing(moved_cards)
        namespaces += pages_showing_cards(moved_cards)
    if namespaces:
        invalidate(*namespaces)
