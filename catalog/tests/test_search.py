"""
Search: the behaviour both backends share is pinned in test_search_page.py; these pin PostgreSQL's
full-text path (stemming, ranking, the GIN index) and which path each database takes.
"""

import pytest
from django.db import connection, transaction

from catalog.models import Product
from catalog.search import search_products

pytestmark = pytest.mark.django_db


def test_the_search_index_exists_on_postgresql_only(tree):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Product._meta.db_table)

    assert ("product_search_document" in constraints) == (connection.vendor == "postgresql")


@pytest.mark.stack
def test_postgresql_search_is_valid_gin_index(tree):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT am.amname, ix.indisvalid FROM pg_index ix"
            " JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_am am ON am.oid = i.relam"
            " WHERE i.relname = 'product_search_document'"
        )
        assert cursor.fetchall() == [("gin", True)]


@pytest.mark.stack
def test_postgresql_search_is_answered_from_the_gin_index(tree, product_maker):
    for number in range(20):
        product_maker(category=tree["shirts"], name=f"Flannel Shirt {number}", images=0)
    queryset = search_products(Product.objects.all(), "flannel")

    with transaction.atomic(), connection.cursor() as cursor:
        # The planner rightly prefers a scan on a table this small: take that choice away to see
        # whether the query's expression matches the index's.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()

    assert "product_search_document" in plan
    assert "Bitmap Index Scan" in plan


@pytest.mark.stack
def test_postgresql_search_stems_words_and_ranks_names_first(tree, product_maker):
    product_maker(category=tree["shirts"], name="Heavy Overshirt", description="Made of flannel.")
    product_maker(category=tree["shirts"], name="Flannel Shirts Pack", description="Three.")
    product_maker(category=tree["shirts"], name="Rain Jacket", description="Not a shirt.")

    found = [p.name for p in search_products(Product.objects.all(), "flannels")]

    assert found == ["Flannel Shirts Pack", "Heavy Overshirt"]
    assert [p.name for p in search_products(Product.objects.all(), "shirt")] == [
        "Flannel Shirts Pack",
        "Rain Jacket",
    ]


@pytest.mark.stack
def test_postgresql_search_accepts_web_search_syntax(tree, product_maker):
    product_maker(category=tree["shirts"], name="Linen Shirt", description="Light.")
    product_maker(category=tree["shirts"], name="Linen Trousers", description="Light.")

    found = [
        p.name for p in search_products(Product.objects.all(), 'linen -trousers "linen shirt"')
    ]

    assert found == ["Linen Shirt"]


@pytest.mark.django_db(transaction=True)  # SQLite's schema editor refuses to open in a transaction
def test_search_index_is_built_on_postgresql_and_skipped_elsewhere():
    """SQLite re-creates Meta.indexes when it rebuilds a table: the GIN index must not be there."""
    index = next(i for i in Product._meta.indexes if i.name == "product_search_document")

    with connection.schema_editor(collect_sql=True) as editor:
        create = str(index.create_sql(Product, editor))
        remove = str(index.remove_sql(Product, editor))

    if connection.vendor == "postgresql":
        assert "USING gin" in create
        assert "product_search_document" in remove
    else:
        assert (create, remove) == ("", "")
