"""
The catalog's cache namespaces, and which tables' changes retire each of them.

Every cached object and page of the catalog lives in one or more namespaces (``perf.cache``);
the receivers in ``catalog.cache`` bump them after commit:

- ``TREE``: the category tree. Every page shows the navigation built from it. Bumped by a
  category edit and by a product edit (the tree counts products).
- ``LISTINGS``: what product cards show, on the home page and search pages. Bumped by any
  product, variant or image edit, and by a stock change that moves a card's badge.
- ``listing_namespace(slug)``: the same for one category's pages, which list its products and
  those of its subcategories: bumped, with ``LISTINGS``, for a card of that category or one
  below it, so a badge moving in one department keeps the others cached.
- ``card_namespace(id)`` and ``page_namespace(slug)``: one product's card, its details and its
  page. A product page also shows the cards of the newest products of its category (related
  products): a change to one of those cards bumps the pages of the whole category.
- ``category_namespace(id)``: which products are related to which (the newest of a category).

``TABLES`` says the same as data: for each namespace (or family of them), the tables whose
changes bump it. The tests check every page's pass one against it (``perf.twopass.audit``): a
page that reads a table none of its namespaces covers would stay stale after an edit there.
"""

from catalog.models import Category, Product, ProductImage, ProductVariant

TREE = "catalog:tree"
LISTINGS = "catalog:listings"
LISTING = "catalog:listing"
CARD = "catalog:product"
PAGE = "catalog:product-page"
CATEGORY = "catalog:category"

LISTING_PAGE_NAMESPACES = (TREE, LISTINGS)

_PRODUCT_TABLES = tuple(model._meta.db_table for model in (Product, ProductVariant, ProductImage))
TABLES = {
    TREE: (Category._meta.db_table, Product._meta.db_table),
    LISTINGS: _PRODUCT_TABLES,
    LISTING: _PRODUCT_TABLES,
    CARD: _PRODUCT_TABLES,
    PAGE: _PRODUCT_TABLES,
    CATEGORY: (Product._meta.db_table,),
}


def card_namespace(product_id: int) -> str:
    return f"{CARD}:{product_id}"


def page_namespace(slug: str) -> str:
    return f"{PAGE}:{slug}"


def category_namespace(category_id: int) -> str:
    return f"{CATEGORY}:{category_id}"


def listing_namespace(category_slug: str) -> str:
    return f"{LISTING}:{category_slug}"


def category_page_namespaces(slug: str) -> list[str]:
    return [TREE, listing_namespace(slug)]


def product_page_namespaces(slug: str) -> list[str]:
    return [TREE, page_namespace(slug)]
