# Step 2: the default for new rows only (ALTER COLUMN ... SET DEFAULT rewrites nothing); existing
# rows are backfilled in batches, then constrained, as for the sku.
from django.contrib.postgres.functions import RandomUUID
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("rules_safe", "0013_token")]

    operations = [
        migrations.AlterField(
            "product", "token", models.UUIDField(null=True, db_default=RandomUUID())
        ),
    ]
