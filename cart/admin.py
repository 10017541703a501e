"""Admin for orders (what was bought, at which price) and carts (what shoppers are holding).

An order's status changes only through the actions, which go through ``cart.fulfilment``: a
cancellation must return the stock, and a shipped order must stay shipped.
"""

from collections.abc import Callable

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from cart.fulfilment import cancel_order, ship_order
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
    readonly_fields = ["number", "user", "status", "checkout_token", "total", "created_at"]
    fieldsets = [
        (None, {"fields": ["number", "user", "status", "total", "created_at"]}),
        (
            "Shipping",
            {"fields": ["full_name", "email", "address", "city", "postal_code", "country"]},
        ),
        ("Checkout", {"fields": ["checkout_token"], "classes": ["collapse"]}),
    ]
    inlines = [OrderLineInline]
    actions = ["mark_shipped", "cancel"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Mark selected orders as shipped", permissions=["change"])
    def mark_shipped(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._change_each(request, queryset, ship_order, done="marked as shipped")

    @admin.action(
        description="Cancel selected orders and return their stock", permissions=["change"]
    )
    def cancel(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._change_each(request, queryset, cancel_order, done="cancelled; stock returned")

    def _change_each(
        self,
        request: HttpRequest,
        queryset: QuerySet[Order],
        change: Callable[..., Order],
        *,
        done: str,
    ) -> None:
        """Apply ``change`` to each order in a transaction of its own: one that cannot change
        (a shipped order to cancel) is reported and leaves the others changed."""
        changed = 0
        for order in queryset.order_by("pk"):
            try:
                change(order=order)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                changed += 1
        if changed:
            noun = "order" if changed == 1 else "orders"
            self.message_user(request, f"{changed} {noun} {done}.", messages.SUCCESS)


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
