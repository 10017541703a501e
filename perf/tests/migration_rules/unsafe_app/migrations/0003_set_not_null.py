from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("rules_unsafe", "0002_add_not_null_column")]

    operations = [
        migrations.AlterField("item", "note", models.TextField()),
    ]
