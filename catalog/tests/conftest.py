import pytest

from catalog.tests.factories import (
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    ProductVariantFactory,
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Pictures a test writes (the seed command's) land in a temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def tree(db):
    """Clothing > Men > Shirts, Clothing > Women, and Footwear."""
    clothing = CategoryFactory(name="Clothing", position=0)
    men = CategoryFactory(name="Men", parent=clothing)
    shirts = CategoryFactory(name="Shirts", parent=men)
    women = CategoryFactory(name="Women", parent=clothing, position=1)
    footwear = CategoryFactory(name="Footwear", position=1)
    return {
        "clothing": clothing,
        "men": men,
        "shirts": shirts,
        "women": women,
        "footwear": footwear,
    }


def make_product(*, category, price="10.00", stock=10, images=1, **fields):
    """A product with one variant per price in ``price`` (a string or a list) and some images."""
    product = ProductFactory(category=category, **fields)
    for amount in [price] if isinstance(price, str) else price:
        ProductVariantFactory(product=product, price=amount, stock=stock)
    ProductImageFactory.create_batch(images, product=product)
    return product


@pytest.fixture
def product_maker():
    return make_product


@pytest.fixture
def shop(tree, product_maker):
    """Two shirts at prices nobody's cart total can be mistaken for."""
    linen = product_maker(category=tree["shirts"], name="Linen Shirt", price="123.45", stock=20)
    flannel = product_maker(category=tree["shirts"], name="Flannel Shirt", price="67.89", stock=6)
    return {"linen": linen, "flannel": flannel}
