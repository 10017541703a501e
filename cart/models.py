"""Carts (anonymous or a user's) and the orders checkout turns them into."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse

from catalog.models import ProductVariant

# The most of one variant a cart line (and so an order line) may hold.
MAX_LINE_QUANTITY = 99


class Cart(models.Model):
    """A shopping cart. Anonymous carts are found through the session; a user has at most one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="cart",
        on_delete=models.CASCADE,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Cart {self.pk}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, related_name="lines", on_delete=models.CASCADE)
    variant = models.ForeignKey(ProductVariant, related_name="+", on_delete=models.CASCADE)
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="cartline_unique_variant"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="cartline_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} of {self.variant}"

    @property
    def line_total(self) -> Decimal:
        return self.variant.price * self.quantity

    @property
    def problem(self) -> str:
        """Why this line cannot be bought as it stands ("" when it can), shown on the cart page."""
        variant = self.variant
        if not (variant.is_active and variant.product.is_active):
            return "No longer available"
        if variant.stock == 0:
            return "Out of stock"
        if self.quantity > variant.stock:
            return f"Only {variant.stock} left"
        return ""


class Order(models.Model):
    class Status(models.TextChoices):
        PAID = "paid", "Paid"
        SHIPPED = "shipped", "Shipped"
        CANCELLED = "cancelled", "Cancelled"

    number = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="orders", on_delete=models.PROTECT
    )
    # One checkout attempt makes at most one order: a double submit finds the first one.
    checkout_token = models.UUIDField(unique=True, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PAID)
    email = models.EmailField()
    full_name = models.CharField(max_length=200)
    address = models.CharField(max_length=300)
    city = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=100)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Order {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("accounts:order-detail", args=[self.number])

    @property
    def reference(self) -> str:
        """The start of the number, short enough for a shopper to read out on the phone."""
        return self.number.hex[:8].upper()


class OrderLine(models.Model):
    """A line of an order: it keeps the name, SKU and price paid, whatever the catalog says."""

    order = models.ForeignKey(Order, related_name="lines", on_delete=models.CASCADE)
    variant = models.ForeignKey(
        ProductVariant, null=True, related_name="+", on_delete=models.SET_NULL
    )
    product_name = models.CharField(max_length=200)
    variant_name = models.CharField(max_length=120, blank=True)
    sku = models.CharField(max_length=64)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} of {self.sku}"

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity
