# Constrain, step 3: PostgreSQL trusts the validated CHECK and skips the scan; the CHECK then goes.
from django.db import migrations, models


class Migration(migrations.Migration):
    phase = "contract"

    dependencies = [("rules_safe", "0005_validate_sku_not_null")]

    operations = [
        migrations.AlterField("product", "sku", models.CharField(max_length=64)),
        migrations.RemoveConstraint("product", "product_sku_not_null"),
    ]
