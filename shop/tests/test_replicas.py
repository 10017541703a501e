"""
The shop on its replicas (perf.db wired by the settings): what shoppers and staff just changed
shows on their next page while both replicas lag, and the catalog is read from the replicas.
"""

import json
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from catalog.tests.factories import ProductVariantFactory
from perf.db import routing
from perf.tests.db.browsing import reads_by_node

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True, databases="__all__")]


@pytest.fixture
def variant(settings, stack):
    """A variant priced $40.00, on both replicas."""
    # Every read reaches a database: no page or data cache in between. Lag is measured by
    # perf's own tests; here the paused replicas must keep serving.
    settings.PERF = {
        **settings.PERF,
        "PAGE_CACHE": False,
        "DATA_CACHE": False,
        "MAX_LAG_SECONDS": 3600,
    }
    variant = ProductVariantFactory(price=Decimal("40.00"), stock=20)
    stack.wait_for_replication()
    return variant


@contextmanager
def lagging_replicas(stack):
    """Replicas that replay nothing more, browsed by visitors: what the test wrote before does
    not pin the reads inside."""
    with routing.routing_scope(inherit=False), stack.replay_paused(1, 2):
        yield


def product_page(client, variant):
    return client.get(reverse("catalog:product", args=[variant.product.slug]))


def test_the_catalog_is_read_from_the_replicas(variant, stack):
    with lagging_replicas(stack):
        response = product_page(Client(), variant)
    assert response.status_code == 200
    reads = reads_by_node(response)
    assert reads["replica1"] + reads["replica2"] > 0
    assert reads["default"] == 0


def test_after_add_to_cart_the_shopper_sees_the_item_while_replicas_lag(variant, stack):
    shopper = Client()
    with lagging_replicas(stack):
        assert product_page(shopper, variant).status_code == 200
        response = shopper.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 2})
        assert response.status_code == 302
        cart = shopper.get(reverse("cart:detail")).content.decode()
        page = product_page(shopper, variant).content.decode()
    assert f"SKU {variant.sku}" in cart
    assert 'value="2"' in cart
    assert "data-minicart-count>2<" in page


def test_after_a_staff_edit_in_the_admin_the_editor_sees_it_while_replicas_lag(variant, stack):
    editor = Client()
    editor.force_login(User.objects.create_superuser("editor", "editor@example.com", None))
    with lagging_replicas(stack):
        response = editor.post(
            reverse("admin:catalog_productvariant_change", args=[variant.pk]),
            {
                "sku": variant.sku,
                "product": variant.product_id,
                "name": variant.name,
                "attributes": json.dumps(variant.attributes),
                "price": "55.00",
                "stock": variant.stock,
                "is_active": "on",
            },
        )
        editor_page = product_page(editor, variant).content.decode()
        # A visitor who did not write reads the replicas, which have not replayed the edit.
        visitor_page = product_page(Client(), variant).content.decode()
    assert response.status_code == 302
    assert "$55.00" in editor_page
    assert "$40.00" in visitor_page
    assert "$55.00" not in visitor_page
