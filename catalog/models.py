"""Catalog data: a category tree, products, their variants (what is actually sold) and images."""

from django.db import models
from django.db.models.fields.files import FieldFile
from django.urls import reverse

from catalog.search import SEARCH_VECTOR
from catalog.signals import StockState, stock_state
from perf.migration_rules.postgres_only import PostgresOnlyGinIndex


class Category(models.Model):
    """A node of the category tree (two or three levels deep)."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, related_name="children", on_delete=models.CASCADE
    )
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:category", args=[self.slug])


class Product(models.Model):
    """Something the shop sells, shown on one page; what goes in a cart is one of its variants."""

    category = models.ForeignKey(Category, related_name="products", on_delete=models.PROTECT)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    brand = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    is_featured = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["category", "is_active"], name="product_category_active"),
            # Built concurrently, on PostgreSQL only, by migration 0002: see catalog/search.py.
            PostgresOnlyGinIndex(SEARCH_VECTOR, name="product_search_document"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:product", args=[self.slug])

    @property
    def card_picture(self) -> FieldFile | None:
        """A card's picture, as its image field gives it: ``selectors.product_cards`` reads the
        file name alone."""
        if not self.card_image:
            return None
        field = ProductImage._meta.get_field("image")
        return field.attr_class(self, field, self.card_image)


class ProductVariant(models.Model):
    """A purchasable version of a product (a size, a colour) with its own SKU, price and stock."""

    product = models.ForeignKey(Product, related_name="variants", on_delete=models.CASCADE)
    sku = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=120, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    stock = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["price", "sku"]

    def __str__(self) -> str:
        return f"{self.product.name} ({self.name})" if self.name else self.product.name

    @property
    def stock_state(self) -> StockState:
        return stock_state(self.stock)


class ProductImage(models.Model):
    """A picture of a product; the first by position is the one shown on product cards."""

    product = models.ForeignKey(Product, related_name="images", on_delete=models.CASCADE)
    image = models.ImageField(upload_to="products/")
    alt = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt or self.image.name
