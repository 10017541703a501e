"""Admin for orders (what was bought, at which price) and carts (what shoppers are holding)."""

from django.contrib import admin

from cart.models import Cart, CartLine, Order, OrderLine


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    fields = ["product_name", "variant_name", "sku", "unit_price", "quantity", "line_total"]
    # The lines record what was paid: editing them would rewrite history.
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "user", "status", "total", "created_at"]
    list_filter = ["status", "created_at"]
    list_select_related = ["user"]
    search_fields = ["number", "email", "full_name", "user__username"]
    date_hierarchy = "created_at"
    readonly_fields = ["number", "user", "checkout_token", "total", "created_at"]
    fieldsets = [
        (None, {"fields": ["number", "user", "status", "total", "created_at"]}),
        (
            "Shipping",
            {"fields": ["full_name", "email", "address", "city", "postal_code", "country"]},
        ),
        ("Checkout", {"fields": ["checkout_token"], "classes": ["collapse"]}),
    ]
    inlines = [OrderLineInline]

    def has_add_permission(self, request) -> bool:
        return False


class CartLineInline(admin.TabularInline):
    model = CartLine
    raw_id_fields = ["variant"]
    extra = 0


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "created_at", "updated_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]
    inlines = [CartLineInline]
