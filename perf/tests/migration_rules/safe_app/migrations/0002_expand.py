# Expand: a nullable column, and a NOT NULL one whose default the database applies.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("rules_safe", "0001_initial")]

    operations = [
        migrations.AddField("product", "sku", models.CharField(max_length=64, null=True)),
        migrations.AddField("product", "stock", models.IntegerField(db_default=0)),
    ]
