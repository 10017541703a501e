"""
Forms for the cart and checkout: they turn posted strings into a variant and a quantity or refuse
them with a message, so a bad request never reaches the services.
"""

import uuid

from django import forms
from stdnum import luhn

from cart.models import MAX_LINE_QUANTITY, Cart, Order
from catalog.models import ProductVariant

TEST_CARD_NUMBER = "4242 4242 4242 4242"


class VariantChoiceField(forms.ModelChoiceField):
    default_error_messages = {
        "required": "Choose which option you want.",
        "invalid_choice": "This product is not available.",
    }


class QuantityField(forms.IntegerField):
    default_error_messages = {
        "required": "Enter the quantity.",
        "invalid": "Enter the quantity as a whole number.",
        "min_value": "The quantity must be at least %(limit_value)s.",
        "max_value": "You can buy at most %(limit_value)s of one item.",
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(min_value=1, max_value=MAX_LINE_QUANTITY, initial=1, **kwargs)


class CartAddForm(forms.Form):
    """What a product page posts: any active variant of an active product."""

    variant = VariantChoiceField(
        queryset=ProductVariant.objects.filter(
            is_active=True, product__is_active=True
        ).select_related("product"),
        widget=forms.HiddenInput,
    )
    quantity = QuantityField()


class CartLineForm(forms.Form):
    """Names a line of the given cart by its variant; anything else is not in the cart."""

    variant = VariantChoiceField(
        queryset=ProductVariant.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "This item is not in your cart."},
    )

    def __init__(self, *args, cart: Cart | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if cart is not None:
            self.fields["variant"].queryset = ProductVariant.objects.filter(
                pk__in=cart.lines.values("variant_id")
            ).select_related("product")


class CartUpdateForm(CartLineForm):
    quantity = QuantityField()


class CheckoutForm(forms.ModelForm):
    """Shipping details, then a pretend payment: the card number is checked, never stored."""

    card_number = forms.CharField(
        label="Card number",
        max_length=23,
        help_text=f"Use the test card {TEST_CARD_NUMBER}.",
        widget=forms.TextInput(attrs={"autocomplete": "cc-number", "inputmode": "numeric"}),
    )
    checkout_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    class Meta:
        model = Order
        fields = ["full_name", "email", "address", "city", "postal_code", "country"]
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "country": forms.TextInput(attrs={"autocomplete": "country-name"}),
        }

    def clean_card_number(self) -> str:
        digits = "".join(self.cleaned_data["card_number"].split()).replace("-", "")
        if not (digits.isdigit() and 12 <= len(digits) <= 19 and luhn.is_valid(digits)):
            raise forms.ValidationError("This card number is not valid.", code="invalid_card")
        return digits

    def shipping_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self._meta.fields]

    @property
    def shipping(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self._meta.fields}
