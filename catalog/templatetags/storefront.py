"""
Template tags the storefront pages share: prices, stock badges and the category navigation.

``category_nav`` reads the category tree itself because the navigation sits in base.html, on every
page, and no view should have to remember to pass it.
"""

from decimal import Decimal

from django import template
from django.db.models.fields.files import FieldFile
from django.utils.html import format_html

from catalog import cache, renditions
from catalog.currency import format_price
from catalog.signals import StockState, stock_state

register = template.Library()


@register.filter
def money(amount: Decimal | int | str | None) -> str:
    """``1234.5`` -> ``$1,234.50`` in ``SHOP_CURRENCY``; an empty string for no price."""
    if amount is None or amount == "":
        return ""
    return format_price(Decimal(amount))


@register.simple_tag
def srcset(picture: FieldFile, *, largest: bool = False) -> str:
    """The ``srcset`` of ``picture``'s renditions, ending with the picture itself when
    ``largest`` (its width is then read from the file: worth it for one picture, not a grid)."""
    candidates = [(r.url, r.width) for r in renditions.renditions(picture.name)]
    if largest and picture.storage.exists(picture.name):
        candidates.append((picture.url, picture.width))
    return ", ".join(f"{url} {width}w" for url, width in candidates)


@register.filter
def rendition(picture: FieldFile, width: int) -> str:
    """The URL of ``picture``'s rendition ``width`` pixels wide, or of the picture if none."""
    return renditions.rendition_url(picture.name, int(width))


#: The three badges, built once: a page of cards shows one per card, and an inclusion tag (a
#: template lookup, a context and a render each) was a fifth of a listing's rendering.
BADGES = {
    state: format_html('<span class="badge badge--{}">{}</span>', state, state.label)
    for state in StockState
}


@register.simple_tag
def stock_badge(quantity: int | None) -> str:
    """The in stock / low stock / out of stock badge for ``quantity`` units on hand."""
    return BADGES[stock_state(quantity)]


@register.inclusion_tag("includes/category_nav.html", takes_context=True)
def category_nav(context: template.Context) -> dict:
    """
    The header's department links, with the one being browsed (``department`` in the context)
    marked. The page's own ``tree``, when it has one, saves reading the tree twice.
    """
    tree = context.get("tree") or cache.category_tree()
    return {"departments": tree.roots, "current": context.get("department")}


@register.inclusion_tag("includes/pagination.html", takes_context=True)
def pagination(context: template.Context) -> dict:
    """Previous / next links and page numbers around the current page (1 … 4 5 6 … 42)."""
    page = context["page_obj"]
    pages = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    return {"page_obj": page, "pages": pages, "ellipsis": page.paginator.ELLIPSIS}
