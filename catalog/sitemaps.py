"""
``/sitemap.xml``: every category and every active product, for search engines.

Listings are read from a replica like the pages themselves. Products come with ``updated_at`` as
their last modification, so a crawler revisits only what changed.
"""

from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet

from catalog.models import Category, Product


class CategorySitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self) -> QuerySet[Category]:
        return Category.objects.only("slug").order_by("pk")


class ProductSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self) -> QuerySet[Product]:
        return Product.objects.filter(is_active=True).only("slug", "updated_at").order_by("pk")

    def lastmod(self, product: Product) -> datetime:
        return product.updated_at


SITEMAPS = {"categories": CategorySitemap, "products": ProductSitemap}
