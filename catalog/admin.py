"""Admin for the catalog: categories, products (variants and images inline) and variants."""

from django.contrib import admin
from django.db.models import Count

from catalog.models import Category, Product, ProductImage, ProductVariant


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "position", "product_total"]
    list_select_related = ["parent"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_total=Count("products"))

    @admin.display(description="products", ordering="product_total")
    def product_total(self, category: Category) -> int:
        return category.product_total


class ProductVariantInline(admin.TabularInline):
    model = ProductVariant
    extra = 0
    fields = ["sku", "name", "attributes", "price", "stock", "is_active"]


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0
    fields = ["image", "alt", "position"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "brand", "category", "is_active", "is_featured", "created_at"]
    list_filter = ["is_active", "is_featured", "category"]
    list_select_related = ["category"]
    list_editable = ["is_active", "is_featured"]
    search_fields = ["name", "slug", "brand"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["category"]
    date_hierarchy = "created_at"
    inlines = [ProductVariantInline, ProductImageInline]


@admin.register(ProductVariant)
class ProductVariantAdmin(admin.ModelAdmin):
    list_display = ["sku", "product", "name", "price", "stock", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["product"]
    list_editable = ["price", "stock", "is_active"]
    search_fields = ["sku", "product__name"]
    autocomplete_fields = ["product"]
