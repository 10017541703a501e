# The product search index, built without locking writes: CREATE INDEX CONCURRENTLY cannot run in
# a transaction, hence atomic = False. On SQLite there is no such index and the operation does nothing.

import django.contrib.postgres.search
from django.db import migrations

import perf.migration_rules.postgres_only


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        perf.migration_rules.postgres_only.AddIndexConcurrentlyOnPostgres(
            model_name="product",
            index=perf.migration_rules.postgres_only.PostgresOnlyGinIndex(
                django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.SearchVector(
                            "name", config="english", weight="A"
                        ),
                        "||",
                        django.contrib.postgres.search.SearchVector(
                            "brand", config="english", weight="B"
                        ),
                        django.contrib.postgres.search.SearchConfig("english"),
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector(
                        "description", config="english", weight="C"
                    ),
                    django.contrib.postgres.search.SearchConfig("english"),
                ),
                name="product_search_document",
            ),
        ),
    ]
