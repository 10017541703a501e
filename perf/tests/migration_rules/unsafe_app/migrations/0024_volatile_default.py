from django.contrib.postgres.functions import RandomUUID
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("rules_unsafe", "0023_contract_same_release")]

    operations = [
        migrations.AddField("item", "token", models.UUIDField(db_default=RandomUUID())),
    ]
