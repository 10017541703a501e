# Widening without a rewrite: a longer varchar, more digits at the same scale, varchar to text.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("rules_safe", "0006_sku_set_not_null")]

    operations = [
        migrations.AlterField("product", "name", models.CharField(max_length=200)),
        migrations.AlterField(
            "product", "price", models.DecimalField(decimal_places=2, max_digits=12)
        ),
        migrations.AlterField("product", "legacy_code", models.TextField(null=True)),
    ]
