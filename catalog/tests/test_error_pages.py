"""The site's own error pages and media route, with DEBUG off as in production."""

import pytest
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse

from catalog.demo_images import ensure_demo_images, image_name

pytestmark = pytest.mark.django_db


def test_404_page_is_the_shops_own(client, settings, tree):
    settings.DEBUG = False

    response = client.get("/p/no-such-thing/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "find that page" in html
    assert 'href="/c/clothing/"' in html  # the header navigation is there


def test_500_page_renders_without_a_request_or_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = get_template("500.html").render()

    assert "Something went wrong" in html


def test_a_post_without_csrf_token_gets_the_shops_403_page(tree, product_maker):
    variant = product_maker(category=tree["shirts"]).variants.get()

    response = Client(enforce_csrf_checks=True).post(
        reverse("cart:add"), {"variant": variant.pk, "quantity": 1}
    )

    assert response.status_code == 403
    assert "Your form expired" in response.content.decode()


def test_product_pictures_are_served_with_debug_off(client, settings, media_root):
    settings.DEBUG = False
    ensure_demo_images()

    response = client.get(f"{settings.MEDIA_URL}{image_name('shoe', 'Navy')}")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert client.get(f"{settings.MEDIA_URL}../../etc/passwd").status_code == 400
