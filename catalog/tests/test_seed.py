import io

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count

from catalog import demo_catalog
from catalog.demo_images import SHAPES, ensure_demo_images
from catalog.models import Category, Product, ProductImage, ProductVariant
from catalog.search import search_products
from catalog.signals import stock_changed

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def pictures_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def media_root(settings, pictures_dir):
    """One media directory for the module: the demo pictures are drawn once, not per test."""
    settings.MEDIA_ROOT = pictures_dir
    return pictures_dir


def tree_size(tree: dict) -> int:
    return sum(1 + (tree_size(node) if isinstance(node, dict) else 0) for node in tree.values())


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_catalog", stdout=out, verbosity=0, **options)
    return out.getvalue()


def catalog_snapshot() -> list[tuple]:
    return list(
        Product.objects.order_by("slug").values_list(
            "slug", "name", "brand", "category__slug", "is_active", "is_featured"
        )
    ) + [
        (sku, price, stock, sorted(attributes.items()))
        for sku, price, stock, attributes in ProductVariant.objects.order_by("sku").values_list(
            "sku", "price", "stock", "attributes"
        )
    ]


def test_seed_builds_a_realistic_catalog(media_root):
    seed(products=60)

    assert Product.objects.count() == 60
    assert Category.objects.count() == tree_size(demo_catalog.TREE)
    assert Category.objects.filter(parent__parent__isnull=False).exists()  # three levels deep
    variants_per_product = Product.objects.annotate(n=Count("variants")).values_list("n", flat=True)
    assert set(variants_per_product) <= {1, 2, 3, 4}
    assert len(set(variants_per_product)) > 1
    assert ProductVariant.objects.filter(stock=0).exists()
    assert ProductVariant.objects.filter(stock__range=(1, 5)).exists()
    assert ProductVariant.objects.filter(stock__gt=5).exists()
    assert all(v.attributes and v.name for v in ProductVariant.objects.all())
    assert all(
        p.description.startswith(f"The {p.name} by {p.brand}.") for p in Product.objects.all()
    )
    assert not Product.objects.filter(images__isnull=True).exists()
    for image in ProductImage.objects.all():
        assert (media_root / image.image.name).is_file()


def test_demo_pictures_are_drawn_once_each_with_their_renditions(tmp_path):
    storage = FileSystemStorage(tmp_path)
    pictures = len(SHAPES) * len(demo_catalog.COLOURS)

    assert ensure_demo_images(storage) == pictures
    assert ensure_demo_images(storage) == 0
    # 560 px wide: renditions 160, 320 and 480 px wide.
    assert len(list((tmp_path / "products" / "demo").iterdir())) == pictures * 4


def test_seeding_again_inserts_nothing_and_a_bigger_run_adds_the_difference():
    seed(products=30)
    first = catalog_snapshot()

    output = seed(products=30)

    assert catalog_snapshot() == first
    assert "0 products created, 30 already there" in output
    seed(products=45)
    assert Product.objects.count() == 45
    assert all(row in catalog_snapshot() for row in first)


def test_the_seed_decides_the_catalog():
    seed(products=20, seed=7)
    first = catalog_snapshot()
    Product.objects.all().delete()

    seed(products=20, seed=7)
    assert catalog_snapshot() == first

    seed(products=20, seed=8)
    assert Product.objects.count() == 40  # another seed: other products, no clash


def test_if_empty_leaves_an_existing_catalog_alone_but_writes_missing_renditions(media_root):
    seed(products=5)
    rendition = next((media_root / "products" / "demo").glob("*-320w.jpg"))
    rendition.unlink()  # as in a catalog seeded before renditions existed

    output = seed(products=50, if_empty=True)

    assert Product.objects.count() == 5
    assert "nothing to do" in output
    assert rendition.is_file()


def test_seed_keeps_categories_edited_in_the_admin():
    seed(products=5)
    Category.objects.filter(slug="shirts").update(name="Shirts & Polos")

    seed(products=10)

    assert Category.objects.get(slug="shirts").name == "Shirts & Polos"
    assert Category.objects.filter(slug="shirts").count() == 1


@pytest.mark.parametrize("options", [{"products": -1}, {"products": 10**7}, {"seed": -3}])
def test_seed_refuses_out_of_range_numbers(options):
    with pytest.raises(CommandError):
        seed(**options)


def test_seeding_refreshes_the_planners_statistics():
    seed(products=120)

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'catalog_product'")
        else:
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'catalog_product'")
        (known,) = cursor.fetchone()

    assert float(str(known).split()[0]) == 120


class RolledBack(Exception):
    pass


def seed_then_roll_back(**options) -> None:
    with transaction.atomic():
        seed(**options)
        raise RolledBack


@pytest.mark.stack
def test_a_search_right_after_seeding_uses_the_full_text_index():
    """Even when rows inserted and rolled back before wait in the index's pending list, which
    PostgreSQL charges to every scan of the index until it is merged."""
    with pytest.raises(RolledBack):
        seed_then_roll_back(products=1500)
    seed(products=300)

    plan = search_products(Product.objects.filter(is_active=True), "rain shell").explain()

    assert "product_search_document" in plan


def test_restock_puts_back_the_seeded_stock_and_retires_moved_badges(
    django_capture_on_commit_callbacks,
):
    seed(products=30)
    seeded = sorted(ProductVariant.objects.values_list("sku", "stock"))
    sold = ProductVariant.objects.filter(stock__gt=0).order_by("sku")[:5]
    ProductVariant.objects.filter(pk__in=[variant.pk for variant in sold]).update(stock=0)
    retired = []

    def record(sender, variant_ids, **kwargs):
        retired.extend(variant_ids)

    stock_changed.connect(record)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            out = seed(products=30, restock=True)
    finally:
        stock_changed.disconnect(record)

    assert sorted(ProductVariant.objects.values_list("sku", "stock")) == seeded
    assert sorted(retired) == sorted(variant.pk for variant in sold)
    assert "5 of" in out
