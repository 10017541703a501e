import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import Product
from catalog.tests.factories import ProductVariantFactory
from catalog.tests.visitors import names_on

pytestmark = pytest.mark.django_db


def category_url(category, **query) -> str:
    url = reverse("catalog:category", args=[category.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# Home --------------------------------------------------------------------------------------------


def test_home_shows_featured_products_and_departments(client, tree, product_maker):
    product_maker(category=tree["shirts"], name="Linen Shirt", is_featured=True)
    product_maker(category=tree["footwear"], name="Trail Boot")

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert [p.name for p in response.context["featured"]] == ["Linen Shirt"]
    html = response.content.decode()
    assert 'href="/c/clothing/"' in html
    assert 'href="/c/footwear/"' in html
    assert "Linen Shirt" in html


def test_home_falls_back_to_new_arrivals_when_nothing_is_featured(client, tree, product_maker):
    product_maker(category=tree["shirts"], name="Linen Shirt")

    response = client.get(reverse("home"))

    assert [p.name for p in response.context["featured"]] == ["Linen Shirt"]


def test_home_hides_inactive_products(client, tree, product_maker):
    product_maker(
        category=tree["shirts"], name="Withdrawn Shirt", is_featured=True, is_active=False
    )

    response = client.get(reverse("home"))

    assert "Withdrawn Shirt" not in response.content.decode()


# Category ----------------------------------------------------------------------------------------


def test_category_lists_products_of_its_subcategories_and_no_others(client, tree, product_maker):
    product_maker(category=tree["shirts"], name="Linen Shirt")
    product_maker(category=tree["women"], name="Wrap Dress")
    product_maker(category=tree["footwear"], name="Trail Boot")
    product_maker(category=tree["shirts"], name="Withdrawn Shirt", is_active=False)

    response = client.get(category_url(tree["clothing"]))

    assert response.status_code == 200
    assert sorted(names_on(response)) == ["Linen Shirt", "Wrap Dress"]
    assert response.context["category"] == tree["clothing"]


def test_category_breadcrumbs_lead_from_the_department(client, tree):
    response = client.get(category_url(tree["shirts"]))

    assert [c.name for c in response.context["breadcrumbs"]] == ["Clothing", "Men"]
    assert response.context["department"] == tree["clothing"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Anorak", "Bomber", "Cardigan"]),
        ("price", ["Cardigan", "Anorak", "Bomber"]),
        ("-price", ["Bomber", "Anorak", "Cardigan"]),
        ("newest", ["Bomber", "Anorak", "Cardigan"]),
    ],
)
def test_category_sorts_by_the_key_in_the_url(client, tree, product_maker, sort, expected):
    now = timezone.now()
    for name, price, age in [
        ("Anorak", "50.00", 2),
        ("Bomber", "90.00", 1),
        ("Cardigan", "20.00", 3),
    ]:
        product = product_maker(category=tree["shirts"], name=name, price=price)
        Product.objects.filter(pk=product.pk).update(created_at=now - timedelta(days=age))

    response = client.get(category_url(tree["shirts"], sort=sort))

    assert names_on(response) == expected


def test_category_sorts_by_the_cheapest_active_variant(client, tree, product_maker):
    product_maker(category=tree["shirts"], name="Two Prices", price=["80.00", "30.00"])
    product_maker(category=tree["shirts"], name="One Price", price="40.00")
    inactive_cheap = product_maker(category=tree["shirts"], name="Cheap If Inactive", price="50.00")
    ProductVariantFactory(product=inactive_cheap, price="1.00", is_active=False)

    response = client.get(category_url(tree["shirts"], sort="price"))

    assert names_on(response) == ["Two Prices", "One Price", "Cheap If Inactive"]
    assert [p.price_from for p in response.context["products"]] == [30, 40, 50]


def test_category_filters_by_price_range(client, tree, product_maker):
    for name, price in [("Cheap", "9.99"), ("Middle", "25.00"), ("Dear", "120.00")]:
        product_maker(category=tree["shirts"], name=name, price=price)

    response = client.get(category_url(tree["shirts"], min_price="10", max_price="100"))

    assert names_on(response) == ["Middle"]


def test_category_filters_in_stock_only(client, tree, product_maker):
    product_maker(category=tree["shirts"], name="Sold Out", stock=0)
    product_maker(category=tree["shirts"], name="Available", stock=3)

    response = client.get(category_url(tree["shirts"], in_stock="on"))

    assert names_on(response) == ["Available"]


def test_category_paginates_24_a_page(client, tree, product_maker):
    for number in range(30):
        product_maker(category=tree["shirts"], name=f"Shirt {number:02d}", images=0)

    first = client.get(category_url(tree["shirts"]))
    second = client.get(category_url(tree["shirts"], page=2, sort="name"))

    assert len(first.context["products"]) == 24
    assert names_on(second) == [f"Shirt {n:02d}" for n in range(24, 30)]
    assert 'href="?page=2"' in first.content.decode()
    assert 'href="?page=1&amp;sort=name"' in second.content.decode()


@pytest.mark.parametrize("page", ["2", "0", "-1", "abc", "99999", "1" * 40, "1.5"])
def test_category_page_out_of_range_or_not_a_number_is_404(client, tree, product_maker, page):
    product_maker(category=tree["shirts"])

    response = client.get(category_url(tree["shirts"], page=page))

    assert response.status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"sort": "price; DROP TABLE catalog_product"},
        {"sort": "bogus"},
        {"min_price": "abc"},
        {"min_price": "-5"},
        {"max_price": "NaN"},
        {"max_price": "Infinity"},
        {"min_price": "1e400"},
        {"max_price": "9" * 50},
        {"min_price": "50", "max_price": "10"},
        {"min_price": "\x00"},
    ],
)
def test_category_bad_filters_are_a_400_with_the_form_errors(client, tree, product_maker, query):
    product_maker(category=tree["shirts"], name="Linen Shirt")

    response = client.get(reverse("catalog:category", args=[tree["shirts"].slug]), query)

    assert response.status_code == 400
    assert response.context["filter_form"].errors
    assert names_on(response) == ["Linen Shirt"]  # the page still lists the category, unfiltered
    assert 'class="field__error"' in response.content.decode() or "form-errors" in (
        response.content.decode()
    )


def test_empty_category_says_so(client, tree):
    response = client.get(category_url(tree["footwear"]))

    assert response.status_code == 200
    assert "No products match these filters." in response.content.decode()


def test_unknown_category_is_404(client, tree):
    assert client.get("/c/no-such-category/").status_code == 404


def test_catalog_pages_refuse_post(client, tree):
    assert client.post(category_url(tree["shirts"])).status_code == 405


# Product -----------------------------------------------------------------------------------------


def test_product_page_offers_each_active_variant_with_its_stock_state(client, tree, product_maker):
    product = product_maker(category=tree["shirts"], name="Linen Shirt", images=2)
    product.variants.all().delete()
    plenty = ProductVariantFactory(product=product, name="M", price="30.00", stock=40)
    low = ProductVariantFactory(product=product, name="L", price="30.00", stock=2)
    out = ProductVariantFactory(product=product, name="XL", price="35.00", stock=0)
    ProductVariantFactory(product=product, name="Hidden", is_active=False)

    response = client.get(product.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert f'action="{reverse("cart:add")}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="quantity"' in html
    radios = re.findall(r'<input type="radio" name="variant" value="(\d+)"[^>]*>', html)
    assert [int(pk) for pk in radios] == [plenty.pk, low.pk, out.pk]
    assert re.search(rf'value="{out.pk}" required disabled', html)
    assert re.search(rf'value="{plenty.pk}" required checked', html)
    assert "Hidden" not in html
    for label in ("In stock", "Low stock", "Out of stock"):
        assert label in html
    assert "From $30.00" in html
    assert html.count('class="product__image"') == 1
    assert html.count('class="product__thumb"') == 1


def test_product_page_shows_breadcrumbs_and_related_products(client, tree, product_maker):
    product = product_maker(category=tree["shirts"], name="Linen Shirt")
    product_maker(category=tree["shirts"], name="Flannel Shirt")
    product_maker(category=tree["footwear"], name="Trail Boot")

    response = client.get(product.get_absolute_url())

    assert [c.name for c in response.context["breadcrumbs"]] == ["Clothing", "Men", "Shirts"]
    assert [p.name for p in response.context["related"]] == ["Flannel Shirt"]


def test_sold_out_product_has_no_add_to_cart_button(client, tree, product_maker):
    product = product_maker(category=tree["shirts"], stock=0)

    html = client.get(product.get_absolute_url()).content.decode()

    assert "Add to cart" not in html
    assert "Sold out" in html


def test_unknown_and_inactive_products_are_404(client, tree, product_maker):
    inactive = product_maker(category=tree["shirts"], is_active=False)

    assert client.get("/p/no-such-product/").status_code == 404
    assert client.get(inactive.get_absolute_url()).status_code == 404
