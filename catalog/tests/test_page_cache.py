"""
The catalog pages under the two-pass page cache: what one visitor sees never reaches another, forms
keep working, and a Redis outage or a flood of searches leaves them up. Edits:
``test_page_invalidation.py``; round trips of a hit: ``test_page_round_trips.py``.
"""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory
from catalog.tests.visitors import TOKEN, pages, shopper, variant
from perf.cache import page_cache, process_page_cache

pytestmark = pytest.mark.django_db


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
    settings.PERF = {**settings.PERF, "L2_RETRY_AFTER": 0.2, "L2_DOWN_TTL": 60}
    visitors = [Client(), shopper("Zanzibar", variant(shop["linen"]), 1)]
    for url in pages(shop):
        assert all(visitor.get(url).status_code == 200 for visitor in visitors)

    stack.stop_redis()

    for url in pages(shop):
        served = []
        for visitor in (*visitors, Client()):
            response = visitor.get(url)
            assert response.status_code == 200
            served.append(response["X-Cache"])
        # Rendered once, then kept in the process while Redis is away (perf/cache/down.py).
        assert served == ["miss", "hit", "hit"], url
    assert "Hi, Zanzibar" in visitors[1].get(pages(shop)[2]).text
