# Constrain, step 1: the CHECK holds for new rows at once, old rows are not scanned yet. New rows
# without a sku would fail, so this waits for the contract phase: the previous release is gone.
from django.contrib.postgres.operations import AddConstraintNotValid
from django.db import migrations, models


class Migration(migrations.Migration):
    phase = "contract"

    dependencies = [("rules_safe", "0003_backfill_sku")]

    operations = [
        AddConstraintNotValid(
            "product",
            models.CheckConstraint(
                condition=models.Q(sku__isnull=False), name="product_sku_not_null"
            ),
        ),
    ]
