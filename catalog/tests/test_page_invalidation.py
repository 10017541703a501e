"""
Edits reach the cached catalog pages on the next request, and only the pages they change: admin
edits, sales that move a stock badge, new products, a render that raced an edit.
"""

import re
import threading
import uuid

import pytest
from django.db import connections
from django.db.models.fields.files import FieldFile
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from cart.models import Cart
from cart.services import place_order
from catalog import cache
from catalog.selectors import RELATED_PRODUCTS
from catalog.tests.visitors import pages, variant
from perf.cache import page_cache

pytestmark = pytest.mark.django_db


def admin_form(response) -> dict:
    """The POST data of an admin change form as it stands, inlines included."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        forms.extend([inline.formset.management_form, *inline.formset.forms])
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False or isinstance(value, FieldFile):
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def admin_edit(client, django_capture_on_commit_callbacks, obj, **changes):
    url = reverse(f"admin:catalog_{obj._meta.model_name}_change", args=[obj.pk])
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(url, {**admin_form(client.get(url)), **changes})
    assert saved.status_code == 302, saved.context["adminform"].form.errors


def test_an_admin_edit_of_a_product_shows_on_the_next_request(
    admin_client, django_capture_on_commit_callbacks, shop
):
    visitor = Client()
    for url in pages(shop):
        visitor.get(url)

    admin_edit(admin_client, django_capture_on_commit_callbacks, shop["linen"], name="Hemp Shirt")

    for url in pages(shop)[:3]:
        response = visitor.get(url)
        assert response["X-Cache"] == "miss"
        assert ">Hemp Shirt<" in response.text
        assert ">Linen Shirt<" not in response.text


def test_an_admin_price_change_shows_on_the_next_request(
    admin_client, django_capture_on_commit_callbacks, shop
):
    visitor = Client()
    for url in pages(shop):
        visitor.get(url)

    admin_edit(
        admin_client, django_capture_on_commit_callbacks, variant(shop["linen"]), price="99.50"
    )

    for url in pages(shop):
        assert "$99.50" in visitor.get(url).text


def test_renaming_a_category_in_the_admin_shows_on_every_page(
    admin_client, django_capture_on_commit_callbacks, shop, tree
):
    visitor = Client()
    for url in pages(shop):
        visitor.get(url)

    admin_edit(admin_client, django_capture_on_commit_callbacks, tree["clothing"], name="Apparel")

    for url in pages(shop):
        assert "Apparel" in visitor.get(url).text


def buy(product, quantity: int, django_capture_on_commit_callbacks) -> None:
    user = UserFactory()
    cart = Cart.objects.create(user=user)
    cart.lines.create(variant=variant(product), quantity=quantity)
    shipping = {
        "email": user.email,
        "full_name": "A Buyer",
        "address": "1 Road",
        "city": "Town",
        "postal_code": "12345",
        "country": "Nowhere",
    }
    with django_capture_on_commit_callbacks(execute=True):
        place_order(cart=cart, user=user, shipping=shipping, checkout_token=uuid.uuid4())


def badge(html: str, product_name: str) -> str:
    card = html[html.index(product_name) :]
    return re.search(r'class="badge badge--([a-z-]+)"', card)[1]


def test_a_sale_that_crosses_a_stock_threshold_shows_on_the_next_request(
    shop, django_capture_on_commit_callbacks
):
    product = reverse("catalog:product", args=[shop["flannel"].slug])
    category = reverse("catalog:category", args=["shirts"])
    visitor = Client()
    assert badge(visitor.get(product).text, "Flannel Shirt") == "in-stock"
    assert badge(visitor.get(category).text, "Flannel Shirt") == "in-stock"

    buy(shop["flannel"], 2, django_capture_on_commit_callbacks)  # 6 left -> 4: low

    for url in (product, category):
        response = visitor.get(url)
        assert response["X-Cache"] == "miss"
        assert badge(response.text, "Flannel Shirt") == "low"


def test_a_badge_that_moves_retires_only_the_product_pages_showing_its_card(
    tree, product_maker, django_capture_on_commit_callbacks
):
    """A product page shows the cards of its category's newest products: a sale of one of those
    retires the pages of the category; an older product's card is on no other product page."""
    shirts = [
        product_maker(category=tree["shirts"], name=f"Shirt No. {number}", stock=6)
        for number in range(RELATED_PRODUCTS + 2)
    ]
    oldest, newest = shirts[0], shirts[-1]
    boots = product_maker(category=tree["footwear"], name="Hiking Boots", stock=6)
    urls = {
        product: reverse("catalog:product", args=[product.slug]) for product in [*shirts, boots]
    }
    visitor = Client()
    for url in urls.values():
        visitor.get(url)

    buy(oldest, 2, django_capture_on_commit_callbacks)  # 6 left -> 4: low

    assert visitor.get(urls[oldest])["X-Cache"] == "miss"
    assert [visitor.get(urls[other])["X-Cache"] for other in [*shirts[1:], boots]] == ["hit"] * (
        len(shirts)
    )

    buy(newest, 2, django_capture_on_commit_callbacks)

    for shirt in shirts[:-1]:
        response = visitor.get(urls[shirt])
        assert response["X-Cache"] == "miss"
        assert badge(response.text, newest.name) == "low"
    assert visitor.get(urls[boots])["X-Cache"] == "hit"


def test_a_badge_that_moves_retires_the_listings_above_its_category_only(
    tree, product_maker, django_capture_on_commit_callbacks
):
    shirt = product_maker(category=tree["shirts"], name="Linen Shirt", stock=6)
    product_maker(category=tree["footwear"], name="Hiking Boots", stock=20)
    listings = {
        name: reverse("catalog:category", args=[tree[name].slug])
        for name in ("shirts", "men", "clothing", "women", "footwear")
    }
    visitor = Client()
    for url in listings.values():
        visitor.get(url)

    buy(shirt, 2, django_capture_on_commit_callbacks)  # 6 left -> 4: low

    assert {name: visitor.get(url)["X-Cache"] for name, url in listings.items()} == {
        "shirts": "miss",
        "men": "miss",
        "clothing": "miss",
        "women": "hit",
        "footwear": "hit",
    }
    assert badge(visitor.get(listings["clothing"]).text, "Linen Shirt") == "low"


def test_a_new_product_shows_among_the_related_products_of_its_category(
    shop, tree, product_maker, django_capture_on_commit_callbacks
):
    visitor = Client()
    linen = reverse("catalog:product", args=[shop["linen"].slug])
    visitor.get(linen)

    with django_capture_on_commit_callbacks(execute=True):
        product_maker(category=tree["shirts"], name="Oxford Shirt")

    response = visitor.get(linen)
    assert response["X-Cache"] == "miss"
    assert "Oxford Shirt" in response.text


def test_a_sale_that_crosses_no_threshold_keeps_the_cached_pages(
    shop, django_capture_on_commit_callbacks
):
    visitor = Client()
    for url in pages(shop):
        visitor.get(url)

    buy(shop["linen"], 1, django_capture_on_commit_callbacks)  # 20 left -> 19: still in stock

    assert [visitor.get(url)["X-Cache"] for url in pages(shop)] == ["hit"] * 4


@pytest.mark.django_db(transaction=True)
def test_a_product_page_rendered_across_an_edit_is_not_stored(shop, monkeypatch):
    """Interleave a render with an invalidation: the render reads the product, an edit commits
    and invalidates it, then the render finishes. Its page goes out but is never stored."""
    read, edited = threading.Event(), threading.Event()
    related_cards = cache.related_cards

    def slow_related_cards(product):
        read.set()
        edited.wait(timeout=10)
        return related_cards(product)

    monkeypatch.setattr(cache, "related_cards", slow_related_cards)
    url = reverse("catalog:product", args=[shop["linen"].slug])
    rendered = []

    def visit():
        try:
            rendered.append(Client().get(url))
        finally:
            connections.close_all()

    render = threading.Thread(target=visit)
    render.start()
    assert read.wait(timeout=10)
    shop["linen"].name = "Hemp Shirt"
    shop["linen"].save()  # autocommit: invalidates at once
    edited.set()
    render.join()

    assert "Linen Shirt" in rendered[0].text
    assert page_cache().metrics.snapshot()["discarded_sets"] == 1
    monkeypatch.undo()
    after = Client().get(url)
    assert after["X-Cache"] == "miss"
    assert "Hemp Shirt" in after.text
