"""
Reads that the catalog pages share. Each returns in a fixed number of queries, whatever the size
of the catalog, so a page built from them has a bounded query count (the tests pin it).

Product listings are "cards": active products annotated with what a card shows (the lowest active
variant price, the units on hand across variants, the file of their first image), in one query.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from catalog.models import Category, Product, ProductImage, ProductVariant

RELATED_PRODUCTS = 4
HOME_SHELF_SIZE = 8

#: Sort keys accepted in the URL (?sort=), with the ordering each one means. The primary key
#: breaks ties so that pages never repeat or skip a product.
SORTS = {
    "name": ("name", "pk"),
    "price": (F("price_from").asc(nulls_last=True), "pk"),
    "-price": (F("price_from").desc(nulls_last=True), "pk"),
    "newest": ("-created_at", "-pk"),
}
DEFAULT_SORT = "name"


@dataclass
class CategoryTree:
    """
    All categories, loaded in one query, with the links pages need: ``roots``, each category's
    ``subcategories`` and ``product_count`` (active products in it and below it).
    """

    categories: list[Category]
    by_id: dict[int, Category] = field(init=False)
    by_slug: dict[str, Category] = field(init=False)
    roots: list[Category] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {category.pk: category for category in self.categories}
        self.by_slug = {category.slug: category for category in self.categories}
        self.roots = []
        for category in self.categories:
            category.subcategories = []
        for category in self.categories:
            parent = self.by_id.get(category.parent_id)
            (parent.subcategories if parent else self.roots).append(category)
        for root in self.roots:
            self._count(root)

    def _count(self, category: Category) -> int:
        category.product_count = category.direct_count + sum(
            self._count(child) for child in category.subcategories
        )
        return category.product_count

    def ancestors(self, category: Category) -> list[Category]:
        """The categories above ``category``, from the root down."""
        chain = []
        parent = self.by_id.get(category.parent_id)
        while parent is not None:
            chain.insert(0, parent)
            parent = self.by_id.get(parent.parent_id)
        return chain

    def descendant_ids(self, category: Category) -> list[int]:
        """The primary keys of ``category`` and every category below it."""
        ids = [category.pk]
        for child in category.subcategories:
            ids.extend(self.descendant_ids(child))
        return ids


def category_tree() -> CategoryTree:
    """The whole category tree with product counts (one query).

    Ordered explicitly: Django leaves ``Meta.ordering`` out of a query that aggregates.
    """
    categories = Category.objects.annotate(
        direct_count=Count("products", filter=Q(products__is_active=True))
    ).order_by("position", "name")
    return CategoryTree(list(categories))


def product_cards(queryset: QuerySet[Product] | None = None) -> QuerySet[Product]:
    """Active products of ``queryset`` with what a product card shows (one query when read).

    The first image is a subquery rather than a prefetch: a card needs its file name alone, and a
    prefetch costs a second query and the ORM's prefetch machinery on every listing read.
    """
    queryset = Product.objects.all() if queryset is None else queryset
    variants = ProductVariant.objects.filter(product=OuterRef("pk"), is_active=True)
    images = ProductImage.objects.filter(product=OuterRef("pk")).order_by("position", "id")
    return queryset.filter(is_active=True).annotate(
        price_from=Subquery(variants.order_by("price").values("price")[:1]),
        stock_total=Coalesce(
            Subquery(
                variants.order_by().values("product").annotate(total=Sum("stock")).values("total")
            ),
            0,
            output_field=IntegerField(),
        ),
        card_image=Subquery(images.values("image")[:1]),
    )


def category_products(
    *,
    category_ids: list[int],
    sort: str = DEFAULT_SORT,
    min_price: Decimal | None = None,
    max_price: Decimal | None = None,
    in_stock: bool = False,
) -> QuerySet[Product]:
    """Cards of the products in ``category_ids``, filtered by their card price and stock."""
    products = product_cards(Product.objects.filter(category_id__in=category_ids))
    if min_price is not None:
        products = products.filter(price_from__gte=min_price)
    if max_price is not None:
        products = products.filter(price_from__lte=max_price)
    if in_stock:
        products = products.filter(stock_total__gt=0)
    return products.order_by(*SORTS[sort])


def featured_products() -> list[Product]:
    """The home page's featured shelf; the newest products when nothing is featured."""
    featured = list(
        product_cards().filter(is_featured=True).order_by("-created_at", "-pk")[:HOME_SHELF_SIZE]
    )
    return featured or new_arrivals()


def new_arrivals() -> list[Product]:
    return list(product_cards().order_by("-created_at", "-pk")[:HOME_SHELF_SIZE])


def product_page_queryset() -> QuerySet[Product]:
    """Active products with what their page shows: category, active variants and all images."""
    return (
        Product.objects.filter(is_active=True)
        .select_related("category")
        .prefetch_related(
            Prefetch(
                "variants", ProductVariant.objects.filter(is_active=True), to_attr="active_variants"
            ),
            "images",
        )
    )


def related_products(product: Product) -> list[Product]:
    """A few other products from the same category, newest first."""
    siblings = Product.objects.filter(category_id=product.category_id).exclude(pk=product.pk)
    return list(product_cards(siblings).order_by("-created_at", "-pk")[:RELATED_PRODUCTS])
