"""Admin for the catalog: categories, products (variants and images inline) and variants.

Pictures show as thumbnails (their smallest rendition) in the product list and beside each image
of a product's form, so staff recognise a product at a glance.
"""

from django.contrib import admin
from django.db.models import Count, Prefetch
from django.db.models.fields.files import FieldFile
from django.utils.html import format_html

from catalog.models import Category, Product, ProductImage, ProductVariant
from catalog.renditions import WIDTHS, rendition_url


def thumbnail(picture: FieldFile, *, size: int) -> str:
    return format_html(
        '<img src="{}" alt="" width="{}" height="{}" style="object-fit: cover">',
        rendition_url(picture.name, WIDTHS[0]),
        size,
        size,
    )


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
    fields = ["preview", "image", "alt", "position"]
    readonly_fields = ["preview"]

    @admin.display(description="picture")
    def preview(self, image: ProductImage) -> str:
        return thumbnail(image.image, size=96) if image.image else ""


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "picture",
        "name",
        "brand",
        "category",
        "is_active",
        "is_featured",
        "created_at",
    ]
    list_display_links = ["picture", "name"]
    list_filter = ["is_active", "is_featured", "category"]
    list_select_related = ["category"]
    list_editable = ["is_active", "is_featured"]
    search_fields = ["name", "slug", "brand"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["category"]
    date_hierarchy = "created_at"
    inlines = [ProductVariantInline, ProductImageInline]

    def get_queryset(self, request):
        first_image = Prefetch("images", ProductImage.objects.all()[:1], to_attr="first_images")
        return super().get_queryset(request).prefetch_related(first_image)

    @admin.display(description="picture")
    def picture(self, product: Product) -> str:
        return thumbnail(product.first_images[0].image, size=48) if product.first_images else ""


@admin.register(ProductVariant)
class ProductVariantAdmin(admin.ModelAdmin):
    list_display = ["sku", "product", "name", "price", "stock", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["product"]
    list_editable = ["price", "stock", "is_active"]
    search_fields = ["sku", "product__name"]
    autocomplete_fields = ["product"]
