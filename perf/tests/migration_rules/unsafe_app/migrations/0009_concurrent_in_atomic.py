from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("rules_unsafe", "0008_index_not_concurrent")]

    operations = [
        AddIndexConcurrently("item", models.Index(fields=["stock"], name="item_stock")),
    ]
