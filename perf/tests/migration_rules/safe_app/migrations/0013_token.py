# A column whose default is volatile (gen_random_uuid()), step 1: added without it, so PostgreSQL
# adds it without rewriting the table.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("rules_safe", "0012_review")]

    operations = [
        migrations.AddField("product", "token", models.UUIDField(null=True)),
    ]
