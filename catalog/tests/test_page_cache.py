"""
The catalog pages under the two-pass page cache: what one visitor sees never reaches
another, forms keep working, and edits show on the next request.
"""

import re
import threading
import uuid

import pytest
from django.db import connections
from django.db.models.fields.files import FieldFile
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory
from cart.cache import cart_namespace, user_cart_namespace
from cart.models import Cart
from cart.services import place_order
from catalog import cache
from catalog.selectors import RELATED_PRODUCTS
from perf.cache import page_cache, process_page_cache
from perf.cache.generations import PREFIX
from perf.twopass import ALL_PAGES

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def shop(tree, product_maker):
    """Two shirts at prices nobody's cart total can be mistaken for."""
    linen = product_maker(category=tree["shirts"], name="Linen Shirt", price="123.45", stock=20)
    flannel = product_maker(category=tree["shirts"], name="Flannel Shirt", price="67.89", stock=6)
    return {"linen": linen, "flannel": flannel}


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


@pytest.mark.stack
def test_requests_for_pages_that_do_not_exist_write_nothing_to_redis(client, shop):
    redis = page_cache().shared.backend
    client.get(reverse("catalog:product", args=[shop["linen"].slug]))
    keys = set(redis.keys("*"))

    for n in range(25):
        assert client.get(f"/p/no-such-product-{n}/").status_code == 404
        assert client.get(f"/c/no-such-category-{n}/").status_code == 404
        assert client.get(f"/p/{'junk' * 800}{n}/").status_code == 404

    assert set(redis.keys("*")) == keys


@pytest.mark.stack
def test_a_flood_of_searches_leaves_redis_and_the_catalog_pages_alone(client, shop):
    redis = page_cache().shared.backend
    product = reverse("catalog:product", args=[shop["linen"].slug])
    category = reverse("catalog:category", args=["clothing"])
    client.get(product)
    client.get(category)
    client.get(reverse("catalog:search"), {"q": "shirt"})
    keys = set(redis.keys("*"))

    for n in range(200):
        assert client.get(reverse("catalog:search"), {"q": f"flood {n}"}).status_code == 200

    assert set(redis.keys("*")) == keys
    assert client.get(product)["X-Cache"] == client.get(category)["X-Cache"] == "hit"
    # A search asked again is still cached, in this process.
    assert client.get(reverse("catalog:search"), {"q": "flood 7"})["X-Cache"] == "hit"


def test_two_shoppers_in_alternation_never_see_each_others_data(shop):
    zanzibar = shopper("Zanzibar", variant(shop["linen"]), 3)  # cart: 3 x $123.45 = $370.35
    quillon = shopper("Quillon", variant(shop["flannel"]), 2)  # cart: 2 x $67.89 = $135.78
    seen = {"Zanzibar": [], "Quillon": []}

    for _ in range(2):
        for url in pages(shop):
            seen["Zanzibar"].append(zanzibar.get(url))
            seen["Quillon"].append(quillon.get(url))

    assert all(response.status_code == 200 for responses in seen.values() for response in responses)
    assert [r["X-Cache"] for r in seen["Quillon"]] == ["hit"] * 8
    own = {"Zanzibar": ("Hi, Zanzibar", "$370.35"), "Quillon": ("Hi, Quillon", "$135.78")}
    for name, other in (("Zanzibar", "Quillon"), ("Quillon", "Zanzibar")):
        others_client = zanzibar if other == "Zanzibar" else quillon
        secrets = {
            *own[other],
            other,
            others_client.cookies["csrftoken"].value,
            others_client.cookies["sessionid"].value,
            *(token for response in seen[other] for token in TOKEN.findall(response.text)),
        }
        for response in seen[name]:
            assert all(text in response.text for text in own[name])
            assert not [secret for secret in secrets if secret in response.text]


@pytest.fixture
def untracked(settings):
    """Generations read from Redis on every lookup, as a shared level without tracking does."""
    settings.PERF = {**settings.PERF, "GENERATION_TRACKING": False}


@pytest.fixture
def generation_reads(monkeypatch):
    """The generation reads that go to Redis, each a list of namespaces."""
    reads = []
    generations = page_cache().generations
    read = generations.shared.get_many

    def counted(keys):
        found = read(keys)
        wanted = [key.removeprefix(PREFIX) for key in keys if key.startswith(PREFIX)]
        if wanted:
            reads.append(wanted)
        return found

    monkeypatch.setattr(generations.shared, "get_many", counted)
    return reads


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_a_hit_reads_its_generations_and_its_holes_in_one_round_trip(
    shop, signed_in, untracked, generation_reads
):
    """The page's namespaces and those its holes will read (the visitor, their cart, their
    recently viewed products' details) are read together. What the first reads tell comes after:
    the recently viewed products' cards (their ids come from the details) and a signed-in
    visitor's cart (its id comes from the user's)."""
    visitor, linen = visitor_back_on_linen(shop, signed_in=signed_in)
    generation_reads.clear()

    response = visitor.get(linen)

    assert response["X-Cache"] == "hit"
    assert "Flannel Shirt" in response.text  # recently viewed
    cart = Cart.objects.get()
    first, *then = generation_reads
    assert set(first) >= {
        ALL_PAGES,
        cache.page_namespace(shop["linen"].slug),
        cache.page_namespace(shop["flannel"].slug),
        user_cart_namespace(cart.user_id) if signed_in else cart_namespace(cart.pk),
    }
    assert sorted(then) == sorted(
        [[cache.card_namespace(shop["flannel"].pk)]]
        + ([[cart_namespace(cart.pk), cache.LISTINGS]] if signed_in else [])
    )


@pytest.mark.stack
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_a_hit_on_tracked_generations_asks_redis_for_none(shop, signed_in, generation_reads):
    """With Redis reporting changes to the process, the generations a hit needs were all
    remembered by the requests before it; a change to one of them still shows at once."""
    visitor, linen = visitor_back_on_linen(shop, signed_in=signed_in)
    visitor.get(linen)  # remembers the counters the first requests created (a change each)
    generation_reads.clear()

    response = visitor.get(linen)

    assert response["X-Cache"] == "hit"
    assert "Flannel Shirt" in response.text
    assert generation_reads == []

    shop["flannel"].variants.update(price="54.32")
    page_cache().generations.shared.incr(PREFIX + cache.card_namespace(shop["flannel"].pk))

    assert "$54.32" in visitor.get(linen).text
    assert {ns for read in generation_reads for ns in read} == {
        cache.card_namespace(shop["flannel"].pk)
    }


def visitor_back_on_linen(shop, *, signed_in: bool) -> tuple[Client, str]:
    """A visitor with a flannel shirt in the cart who saw it, then the linen shirt; and the
    linen shirt's page, which a request of theirs has cached."""
    visitor = shopper("Robin", variant(shop["flannel"]), 1) if signed_in else Client()
    if not signed_in:
        visitor.post(reverse("cart:add"), {"variant": variant(shop["flannel"]).pk, "quantity": 1})
    linen = reverse("catalog:product", args=[shop["linen"].slug])
    visitor.get(reverse("catalog:product", args=[shop["flannel"].slug]))
    visitor.get(linen)
    return visitor, linen


def test_cached_pages_hold_nothing_personal(shop):
    zanzibar = shopper("Zanzibar", variant(shop["linen"]), 3)
    for url in pages(shop):
        zanzibar.get(url)

    stored = [
        entry.value
        for level in (page_cache().local, process_page_cache().local)
        for _, entry in level._data.values()
    ]
    html = "".join(chunk for page in stored for chunk in page.chunks)
    assert len(stored) == 4
    assert "Linen Shirt" in html
    for personal in ("Zanzibar", "$370.35", zanzibar.cookies["csrftoken"].value, "Log in"):
        assert personal not in html


def test_anonymous_then_logged_in_then_logged_out_on_cached_pages(shop):
    user = UserFactory(first_name="Zanzibar")
    visitor = Client()
    product = pages(shop)[2]

    before = visitor.get(product)
    visitor.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    during = visitor.get(product)
    visitor.post(reverse("accounts:logout"))
    after = visitor.get(product)

    assert "Log in" in before.text
    assert "Hi, Zanzibar" in during.text
    assert "Log in" not in during.text
    assert "Log in" in after.text
    assert "Zanzibar" not in after.text
    assert [r["X-Cache"] for r in (before, during, after)] == ["miss", "hit", "hit"]


def test_adding_to_cart_from_a_cached_product_page_passes_csrf(shop):
    product = pages(shop)[2]
    Client().get(product)
    browser = Client(enforce_csrf_checks=True)

    page = browser.get(product)
    token = TOKEN.search(page.text)[1]
    form = {"variant": variant(shop["linen"]).pk, "quantity": 2}
    refused = browser.post(reverse("cart:add"), form)
    added = browser.post(reverse("cart:add"), {**form, "csrfmiddlewaretoken": token})

    assert page["X-Cache"] == "hit"
    assert refused.status_code == 403
    assert added.status_code == 302
    assert "$246.90" in browser.get(reverse("cart:detail")).text


def test_a_first_time_visitor_gets_a_csrf_cookie_on_a_cached_page(shop):
    Client().get(reverse("home"))

    response = Client().get(reverse("home"))

    assert response["X-Cache"] == "hit"
    assert response.cookies["csrftoken"].value
    assert response["Cache-Control"] == "private"


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


def test_recently_viewed_products_fill_a_hole_of_the_cached_pages(shop):
    visitor = Client()
    linen, flannel = (reverse("catalog:product", args=[shop[n].slug]) for n in ("linen", "flannel"))
    Client().get(linen)

    first = visitor.get(linen)
    second = visitor.get(flannel)
    back = visitor.get(linen)

    assert "Recently viewed" not in first.text
    assert "Recently viewed" in second.text
    assert "Recently viewed" in back.text
    recent = back.text[back.text.index("Recently viewed") :]
    assert "Flannel Shirt" in recent
    assert "Linen Shirt" not in recent  # the product being shown is left out
    assert "Recently viewed" not in Client().get(linen).text
    assert back["X-Cache"] == "hit"


def test_a_forged_recently_viewed_cookie_is_ignored(shop):
    visitor = Client()
    visitor.cookies["recently_viewed"] = f"{shop['flannel'].slug}:forged"

    response = visitor.get(reverse("catalog:product", args=[shop["linen"].slug]))

    assert response.status_code == 200
    assert "Recently viewed" not in response.text


@pytest.mark.stack
def test_pages_stay_up_when_redis_stops_mid_test(shop, stack, settings):
    settings.PERF = {**settings.PERF, "L2_RETRY_AFTER": 0.2}
    visitors = [Client(), shopper("Zanzibar", variant(shop["linen"]), 1)]
    for url in pages(shop):
        assert all(visitor.get(url).status_code == 200 for visitor in visitors)

    stack.stop_redis()

    for url in pages(shop):
        for visitor in (*visitors, Client()):
            response = visitor.get(url)
            assert response.status_code == 200
            assert response["X-Cache"] == "miss"
    assert "Hi, Zanzibar" in visitors[1].get(pages(shop)[2]).text
