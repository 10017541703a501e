"""
factory-boy factories for the catalog, shared by the tests and by ``seed_catalog``.

They live outside ``tests/`` because the seed command builds the demo catalog with them: a product
in a test and a product in the demo come from the same code. ``catalog/tests/factories.py``
re-exports them, where every app's tests import them from.

All randomness goes through ``factory.random.randgen``, so ``factory.random.reseed_random(seed)``
makes what they build reproducible.
"""

from decimal import Decimal

import factory
import factory.fuzzy
import factory.random
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from catalog import demo_catalog, demo_images
from catalog.models import Category, Product, ProductImage, ProductVariant
from catalog.signals import LOW_STOCK_THRESHOLD


def _random():
    return factory.random.randgen


def random_price(low: int, high: int) -> Decimal:
    """A shop-like price between ``low`` and ``high``: 24.00, 24.50, 24.95 or 24.99."""
    return Decimal(f"{_random().randint(low, high)}.{_random().choice(['00', '50', '95', '99'])}")


def random_stock() -> int:
    """Units on hand: mostly plenty, some low, some sold out, as in a real shop."""
    roll = _random().random()
    if roll < 0.1:
        return 0
    if roll < 0.25:
        return _random().randint(1, LOW_STOCK_THRESHOLD)
    return _random().randint(LOW_STOCK_THRESHOLD + 1, 150)


def random_attributes(kind: demo_catalog.Kind) -> dict[str, str]:
    """One value per variant axis of ``kind``, e.g. {"size": "M", "colour": "Navy"}."""
    return {axis: _random().choice(values) for axis, values in kind.axes.items()}


def product_name(category: Category) -> str:
    kind = demo_catalog.kind_of(category.name)
    words = [_random().choice(demo_catalog.ADJECTIVES)]
    if _random().random() < 0.6:
        words.append(_random().choice(kind.materials))
    words.append(_random().choice(kind.nouns))
    return " ".join(words)


def product_description(name: str, brand: str) -> str:
    features = _random().sample(demo_catalog.FEATURES, 2)
    care = _random().choice(demo_catalog.CARE)
    return " ".join([f"The {name} by {brand}.", *features, care])


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    parent = None


class ProductFactory(DjangoModelFactory):
    """A product without variants or images (add them with the factories below)."""

    class Meta:
        model = Product

    class Params:
        #: Makes the slug unique; seed_catalog passes its own to make re-runs idempotent.
        number = factory.Sequence(int)

    category = factory.SubFactory(CategoryFactory)
    brand = factory.fuzzy.FuzzyChoice(demo_catalog.BRANDS)
    name = factory.LazyAttribute(lambda o: product_name(o.category))
    slug = factory.LazyAttribute(lambda o: f"{slugify(o.name)}-{o.number}")
    description = factory.LazyAttribute(lambda o: product_description(o.name, o.brand))
    is_active = True
    is_featured = False


class ProductVariantFactory(DjangoModelFactory):
    class Meta:
        model = ProductVariant

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:07d}")
    attributes = factory.LazyAttribute(
        lambda o: random_attributes(demo_catalog.kind_of(o.product.category.name))
    )
    name = factory.LazyAttribute(lambda o: " / ".join(o.attributes.values()))
    price = factory.LazyAttribute(
        lambda o: random_price(*demo_catalog.kind_of(o.product.category.name).price_range)
    )
    stock = factory.LazyFunction(random_stock)
    is_active = True


class ProductImageFactory(DjangoModelFactory):
    """An image row pointing at a demo picture; ``ensure_demo_images()`` writes the files."""

    class Meta:
        model = ProductImage

    class Params:
        colour = factory.fuzzy.FuzzyChoice(demo_catalog.COLOURS)

    product = factory.SubFactory(ProductFactory)
    image = factory.LazyAttribute(
        lambda o: demo_images.image_name(
            demo_catalog.kind_of(o.product.category.name).shape, o.colour
        )
    )
    alt = factory.LazyAttribute(lambda o: o.product.name)
    position = 0


def build_catalog_product(*, categories: list[Category], number: int) -> Product:
    """
    Build (without saving) product ``number`` of the demo catalog, in one of ``categories``.

    Its random draws are seeded with its number, so a number always gives the same product,
    whatever was built before it.
    """
    factory.random.reseed_random(number)
    return ProductFactory.build(
        category=_random().choice(categories),
        number=number,
        is_featured=_random().random() < 0.04,
        is_active=_random().random() > 0.02,
    )


def build_catalog_offer(
    product: Product, *, number: int
) -> tuple[list[ProductVariant], list[ProductImage]]:
    """
    Build (without saving) what product ``number`` offers: 1-4 distinct variants sharing a base
    price, and a picture per colour on offer (or one picture when colour is not an option).

    Seeded apart from the product itself, so it is only built for products not saved yet.
    """
    factory.random.reseed_random(f"{number}:offer")
    kind = demo_catalog.kind_of(product.category.name)
    base_price = random_price(*kind.price_range)
    combinations = {tuple(random_attributes(kind).items()) for _ in range(_random().randint(1, 4))}

    def in_catalog_order(combination):
        return [kind.axes[axis].index(value) for axis, value in combination]

    variants = []
    for position, combination in enumerate(sorted(combinations, key=in_catalog_order), start=1):
        attributes = dict(combination)
        variants.append(
            ProductVariantFactory.build(
                product=product,
                sku=f"P{number:07d}-{position}",
                attributes=attributes,
                price=base_price + (5 if attributes.get("size") in {"XL", "King"} else 0),
            )
        )
    colours = list(
        dict.fromkeys(v.attributes["colour"] for v in variants if "colour" in v.attributes)
    )
    images = [
        ProductImageFactory.build(product=product, colour=colour, position=position)
        for position, colour in enumerate(colours or [_random().choice(list(demo_catalog.COLOURS))])
    ]
    return variants, images
