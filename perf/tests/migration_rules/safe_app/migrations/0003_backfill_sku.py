# Backfill in batches, each committed (atomic = False); only rows still NULL, so a rerun resumes.
from django.db import migrations
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

from perf.migration_rules.backfill import backfill


def fill_sku(apps, schema_editor):
    Product = apps.get_model("rules_safe", "Product")
    backfill(
        Product.objects.filter(sku__isnull=True),
        using=schema_editor.connection.alias,
        batch_size=2,
        sku=Concat(Value("SKU-"), Cast("id", CharField())),
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("rules_safe", "0002_expand")]

    operations = [
        migrations.RunPython(fill_sku, migrations.RunPython.noop),
    ]
