# A rename in Python only: pin the column name first, then rename the field; no SQL runs.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("rules_safe", "0010_drop_legacy_code")]

    operations = [
        migrations.AlterField(
            "product", "name", models.CharField(max_length=200, db_column="name")
        ),
        migrations.RenameField("product", "name", "title"),
    ]
