"""What the catalog tests read off pages, and the visitors who read them (signed-in shoppers with
a cart)."""

import re

from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def pages(shop) -> list[str]:
    return [
        reverse("home"),
        reverse("catalog:category", args=["clothing"]),
        reverse("catalog:product", args=[shop["linen"].slug]),
        reverse("catalog:search") + "?q=shirt",
    ]


def shopper(first_name: str, variant, quantity: int) -> Client:
    """A logged-in visitor with ``quantity`` of ``variant`` in the cart."""
    client = Client()
    client.force_login(UserFactory(first_name=first_name))
    added = client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": quantity})
    assert added.status_code == 302
    return client


def variant(product):
    return product.variants.get()


def names_on(response) -> list[str]:
    """Product names in the order their cards appear on the page."""
    return [product.name for product in response.context["products"]]
