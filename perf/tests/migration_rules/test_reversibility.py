from io import StringIO

import pytest
from django.apps import apps
from django.contrib.postgres.operations import AddIndexConcurrently
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from perf.migration_rules.checker import project_app_labels

from .postgres import columns, index_is_valid

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]


def migrated_project_apps() -> list[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return [label for label in project_app_labels() if label in loader.migrated_apps]


def project_tables() -> set[str]:
    return {
        model._meta.db_table
        for label in migrated_project_apps()
        for model in apps.get_app_config(label).get_models()
    }


def unapplied() -> list:
    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def test_every_project_migration_reverses_to_zero_and_applies_again():
    tables = project_tables()
    assert tables
    assert tables <= set(connection.introspection.table_names())

    for label in migrated_project_apps():
        call_command("safe_migrate", label, "zero", verbosity=0)
    assert not tables & set(connection.introspection.table_names())

    call_command("safe_migrate", verbosity=0)
    assert tables <= set(connection.introspection.table_names())
    assert unapplied() == []


def test_project_indexes_on_existing_tables_are_built_concurrently_on_postgresql():
    loader = MigrationLoader(connection)
    concurrent = [
        (migration, operation)
        for (label, _name), migration in loader.graph.nodes.items()
        if label in migrated_project_apps()
        for operation in migration.operations
        if isinstance(operation, AddIndexConcurrently)
    ]
    assert concurrent, "the product search index is built by AddIndexConcurrently"

    for migration, operation in concurrent:
        sql = StringIO()
        call_command("sqlmigrate", migration.app_label, migration.name, stdout=sql)
        assert f'CREATE INDEX CONCURRENTLY "{operation.index.name}"' in sql.getvalue()
        assert "BEGIN;" not in sql.getvalue()
        assert index_is_valid(operation.index.name) is True


def test_safe_recipes_apply_with_data_and_reverse_on_postgresql(safe_app):
    call_command("safe_migrate", "rules_safe", "0002", verbosity=0)
    with connection.cursor() as cursor:
        cursor.executemany(
            'INSERT INTO "rules_safe_product" ("name", "price", "legacy_code") VALUES (%s, 1, %s)',
            [(f"product {number}", f"L{number}") for number in range(5)],
        )

    call_command("safe_migrate", "rules_safe", verbosity=0)

    with connection.cursor() as cursor:
        cursor.execute('SELECT "id", "sku" FROM "rules_safe_product"')
        assert all(sku == f"SKU-{pk}" for pk, sku in cursor.fetchall())
    product = columns("rules_safe_product")
    assert product["sku"] == ("character varying", False)
    assert product["name"] == ("character varying", False)
    assert product["price"] == ("numeric", False)
    assert "legacy_code" not in product
    assert index_is_valid("product_sku") is True

    call_command("safe_migrate", "rules_safe", "zero", verbosity=0)
    assert "rules_safe_product" not in connection.introspection.table_names()
