# Constrain, step 1: the CHECK holds for new rows at once, old rows are not scanned yet.
from django.contrib.postgres.operations import AddConstraintNotValid
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("rules_safe", "0003_backfill_sku")]

    operations = [
        AddConstraintNotValid(
            "product",
            models.CheckConstraint(
                condition=models.Q(sku__isnull=False), name="product_sku_not_null"
            ),
        ),
    ]
