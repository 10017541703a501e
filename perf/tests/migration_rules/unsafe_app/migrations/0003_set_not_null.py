from django.db import migrations, models


class Migration(migrations.Migration):
    # A contract step, marked as one: it still scans the table under its lock.
    phase = "contract"

    dependencies = [("rules_unsafe", "0002_add_not_null_column")]

    operations = [
        migrations.AlterField("item", "note", models.TextField()),
    ]
