# An index built without blocking writes: alone in a migration that is not atomic.
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("rules_safe", "0007_widen")]

    operations = [
        AddIndexConcurrently("product", models.Index(fields=["sku"], name="product_sku")),
    ]
