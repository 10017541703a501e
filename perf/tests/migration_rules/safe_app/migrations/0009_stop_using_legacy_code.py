# Contract, release N: the code forgets the (nullable) column; the database keeps it.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("rules_safe", "0008_sku_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.RemoveField("product", "legacy_code")],
        ),
    ]
