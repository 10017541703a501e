# A new table with a foreign key: safe, yet its constraint needs a lock on the referenced table.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("rules_safe", "0011_rename_in_code_only")]

    operations = [
        migrations.CreateModel(
            name="Review",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("product", models.ForeignKey(on_delete=models.CASCADE, to="rules_safe.product")),
                ("stars", models.SmallIntegerField()),
            ],
        ),
    ]
