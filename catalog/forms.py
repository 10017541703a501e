"""
Forms for the query string of listing pages. Anything a visitor can type in a URL goes through
one of them, so bad input becomes a form error (and a 400), never an exception.
"""

from django import forms
from django.core.exceptions import ValidationError

from catalog.search import MAX_QUERY_LENGTH
from catalog.selectors import DEFAULT_SORT

SORT_CHOICES = [
    ("name", "Name, A to Z"),
    ("price", "Price, low to high"),
    ("-price", "Price, high to low"),
    ("newest", "Newest first"),
]


def price_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
    )


class ProductFilterForm(forms.Form):
    """Sorting and filters of a category page (?sort=price&min_price=10&in_stock=1)."""

    sort = forms.ChoiceField(label="Sort by", choices=SORT_CHOICES, required=False)
    min_price = price_field("Min price")
    max_price = price_field("Max price")
    in_stock = forms.BooleanField(label="In stock only", required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_sort(self) -> str:
        return self.cleaned_data["sort"] or DEFAULT_SORT

    def clean(self) -> dict:
        cleaned = super().clean()
        low, high = cleaned.get("min_price"), cleaned.get("max_price")
        if low is not None and high is not None and low > high:
            raise ValidationError("The minimum price is above the maximum price.")
        return cleaned

    def filters(self) -> dict:
        """Keyword arguments for ``selectors.category_products``: none when the form is invalid."""
        if not self.is_valid():
            return {}
        return self.cleaned_data


class SearchForm(forms.Form):
    """The search box. Over-long queries are cut, not refused: the first words are what count."""

    q = forms.CharField(label="Search products", required=False)

    def clean_q(self) -> str:
        return self.cleaned_data["q"][:MAX_QUERY_LENGTH].strip()

    def query(self) -> str:
        """The query to run: empty when the form is invalid or blank."""
        return self.cleaned_data["q"] if self.is_valid() else ""
