import pytest
from django.conf import settings
from django.urls import reverse

from catalog.demo_images import ensure_demo_images
from catalog.renditions import WIDTHS, rendition_name
from catalog.tests.factories import ProductImageFactory, ProductVariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def variant(tree, product_maker):
    product = product_maker(category=tree["shirts"], name="Linen Shirt", images=2)
    return product.variants.get()


@pytest.mark.parametrize("model", ["category", "product", "productvariant"])
def test_admin_lists_and_add_forms_load(admin_client, variant, model):
    assert admin_client.get(reverse(f"admin:catalog_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:catalog_{model}_add")).status_code == 200


def test_admin_product_page_edits_variants_and_images_inline(admin_client, variant):
    response = admin_client.get(reverse("admin:catalog_product_change", args=[variant.product_id]))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="variants-0-sku"' in html
    assert 'name="images-1-alt"' in html


def test_admin_change_pages_load(admin_client, variant):
    for model, pk in [("category", variant.product.category_id), ("productvariant", variant.pk)]:
        assert (
            admin_client.get(reverse(f"admin:catalog_{model}_change", args=[pk])).status_code == 200
        )


def test_admin_product_list_runs_a_fixed_number_of_queries(
    admin_client, variant, django_assert_max_num_queries
):
    for _ in range(30):
        ProductImageFactory(
            product=ProductVariantFactory(product__category=variant.product.category).product
        )

    with django_assert_max_num_queries(12):
        assert admin_client.get(reverse("admin:catalog_product_changelist")).status_code == 200
    with django_assert_max_num_queries(12):
        assert (
            admin_client.get(reverse("admin:catalog_productvariant_changelist")).status_code == 200
        )
    with django_assert_max_num_queries(12):
        assert admin_client.get(reverse("admin:catalog_category_changelist")).status_code == 200


def test_the_product_list_and_form_show_thumbnails_of_the_smallest_rendition(
    admin_client, variant, media_root
):
    ensure_demo_images()
    image = variant.product.images.first()
    thumbnail = settings.MEDIA_URL + rendition_name(image.image.name, WIDTHS[0])

    listing = admin_client.get(reverse("admin:catalog_product_changelist")).content.decode()
    form = admin_client.get(reverse("admin:catalog_product_change", args=[variant.product_id]))

    assert f'<img src="{thumbnail}" alt="" width="48"' in listing
    assert f'<img src="{thumbnail}" alt="" width="96"' in form.content.decode()
