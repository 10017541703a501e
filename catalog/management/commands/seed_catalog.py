"""
``python manage.py seed_catalog --products N [--seed S] [--if-empty | --restock]``: a realistic demo
catalog.

The catalog is a pure function of the seed: product ``i`` of seed ``S`` has the number
``S * 1,000,000 + i``, and its random draws are seeded with that number, so it always gets the same
name, slug, variants and pictures. A run makes sure products ``0..N-1`` of its seed exist and
inserts only those that do not: running it again inserts nothing, a bigger ``N`` adds the
difference, and an interrupted run picks up where it stopped. Rows are built in memory with the
test factories and written with ``bulk_create``, a batch at a time, then the tables are analysed.
``--restock`` puts back the stock the variants of products ``0..N-1`` were created with, so that
each benchmark scenario starts from the same catalog, whatever the checkouts before it took.
"""

import time
from functools import partial

from django.contrib.postgres.indexes import GinIndex
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections, router, transaction
from django.db.models import Model
from tqdm import tqdm

from catalog import demo_catalog
from catalog.demo_images import ensure_demo_images
from catalog.factories import CategoryFactory, build_catalog_offer, build_catalog_product
from catalog.models import Category, Product, ProductImage, ProductVariant
from catalog.signals import stock_changed

BATCH_SIZE = 500
#: Product numbers of seed S start at S * NUMBERS_PER_SEED, so seeds never share a slug or a SKU.
NUMBERS_PER_SEED = 1_000_000


class Command(BaseCommand):
    help = "Create a realistic demo catalog (categories, products, variants, pictures)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--products", type=int, default=500, help="How many products.")
        parser.add_argument("--seed", type=int, default=0, help="Random seed (default 0).")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Add no product if any exists (missing demo pictures are still written).",
        )
        parser.add_argument(
            "--restock",
            action="store_true",
            help="Only put back the stock the seeded variants were created with.",
        )

    def handle(self, *, products: int, seed: int, if_empty: bool, restock: bool, **options) -> None:
        if not 0 <= products < NUMBERS_PER_SEED or seed < 0:
            raise CommandError(f"--products must be 0 to {NUMBERS_PER_SEED - 1} and --seed >= 0.")
        if restock:
            self.restock(range(seed * NUMBERS_PER_SEED, seed * NUMBERS_PER_SEED + products))
            return
        # Before --if-empty returns: a catalog seeded by an older release gets its renditions.
        started = time.perf_counter()
        pictures = ensure_demo_images()
        if if_empty and Product.objects.exists():
            self.stdout.write("The catalog already has products: nothing to do.")
            return
        leaves = self.create_categories()
        first = seed * NUMBERS_PER_SEED
        created = 0
        with tqdm(total=products, unit="product", disable=options["verbosity"] == 0) as progress:
            for start in range(first, first + products, BATCH_SIZE):
                numbers = range(start, min(start + BATCH_SIZE, first + products))
                created += self.insert(
                    {n: build_catalog_product(categories=leaves, number=n) for n in numbers}
                )
                progress.update(len(numbers))
        if created:
            self.analyze(Category, Product, ProductVariant, ProductImage)
        self.stdout.write(
            f"{created} products created, {products - created} already there; "
            f"{Category.objects.count()} categories, {pictures} new pictures; "
            f"{time.perf_counter() - started:.1f} s."
        )

    @transaction.atomic
    def restock(self, numbers: range) -> None:
        """Set every seeded variant's stock back to what it was created with; the pages showing
        a badge that moves are retired after commit, as after any stock change."""
        leaves = self.create_categories()
        seeded = {
            variant.sku: variant.stock
            for n in numbers
            for variant in build_catalog_offer(
                build_catalog_product(categories=leaves, number=n), number=n
            )[0]
        }
        variants = list(ProductVariant.objects.select_for_update().filter(sku__in=seeded))
        changed = [variant for variant in variants if variant.stock != seeded[variant.sku]]
        for variant in changed:
            variant.stock = seeded[variant.sku]
        ProductVariant.objects.bulk_update(changed, ["stock"], batch_size=BATCH_SIZE)
        ids = [variant.pk for variant in changed]
        transaction.on_commit(partial(stock_changed.send, sender=ProductVariant, variant_ids=ids))
        self.stdout.write(f"{len(changed)} of {len(variants)} seeded variants restocked.")

    def analyze(self, *models: type[Model]) -> None:
        """Refresh the query planner's statistics of the tables just filled, and merge the rows
        queued in their GIN indexes.

        Until autovacuum gets to it, PostgreSQL plans as if the tables were still empty, and
        prices a GIN index by the queue of rows inserted since it was last cleaned up: either way
        a search reads every product and builds its text vector (50 ms for 2,000 products)
        instead of using the full-text index (1 ms).
        """
        connection = connections[router.db_for_write(Product)]
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
                if connection.vendor != "postgresql":
                    continue
                for index in model._meta.indexes:
                    if isinstance(index, GinIndex):
                        cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index.name])

    def create_categories(self) -> list[Category]:
        """The demo category tree (created if missing); returns its leaves, in tree order."""
        leaves = []

        def create(tree: dict, parent: Category | None) -> None:
            for position, (name, node) in enumerate(tree.items()):
                category = CategoryFactory(name=name, parent=parent, position=position)
                if isinstance(node, dict):
                    create(node, category)
                else:
                    leaves.append(category)

        create(demo_catalog.TREE, None)
        return leaves

    @transaction.atomic
    def insert(self, products: dict[int, Product]) -> int:
        """Insert those of ``products`` (by number) not in the database yet, with their offers."""
        slugs = [product.slug for product in products.values()]
        existing = set(Product.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        new = {n: product for n, product in products.items() if product.slug not in existing}
        # bulk_create sets the products' primary keys, which the variants and images then pick up.
        Product.objects.bulk_create(new.values())
        offers = [build_catalog_offer(product, number=n) for n, product in new.items()]
        ProductVariant.objects.bulk_create(v for variants, _ in offers for v in variants)
        ProductImage.objects.bulk_create(i for _, images in offers for i in images)
        return len(new)
