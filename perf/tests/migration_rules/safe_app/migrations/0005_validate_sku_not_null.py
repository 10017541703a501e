# Constrain, step 2: the scan runs under a lock that lets reads and writes go on.
from django.contrib.postgres.operations import ValidateConstraint
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("rules_safe", "0004_sku_not_null_not_valid")]

    operations = [
        ValidateConstraint("product", "product_sku_not_null"),
    ]
