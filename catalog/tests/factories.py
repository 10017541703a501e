"""The catalog factories, where every app's tests look for them (they live in catalog.factories)."""

from catalog.factories import (
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    ProductVariantFactory,
    build_catalog_offer,
    build_catalog_product,
)

__all__ = [
    "CategoryFactory",
    "ProductFactory",
    "ProductImageFactory",
    "ProductVariantFactory",
    "build_catalog_offer",
    "build_catalog_product",
]
