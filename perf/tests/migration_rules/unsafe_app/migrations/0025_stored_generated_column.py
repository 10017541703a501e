from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("rules_unsafe", "0024_volatile_default")]

    operations = [
        migrations.AddField(
            "item",
            "double_stock",
            models.GeneratedField(
                expression=models.F("stock") * 2,
                output_field=models.IntegerField(),
                db_persist=True,
            ),
        ),
    ]
