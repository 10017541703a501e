"""``{% recently_viewed as products %}``: cards of the products the visitor saw last."""

from django import template

from catalog import cache
from catalog.recently_viewed import viewed_slugs

register = template.Library()

SHOWN = 4


@register.simple_tag(takes_context=True)
def recently_viewed(context: template.Context) -> list:
    """The current product (on its own page) is left out."""
    request = context["request"]
    current = request.resolver_match.kwargs.get("slug") if request.resolver_match else None
    slugs = [slug for slug in viewed_slugs(request) if slug != current][:SHOWN]
    if not slugs:
        return []
    return cache.cards(product.pk for product in cache.product_details(slugs))
