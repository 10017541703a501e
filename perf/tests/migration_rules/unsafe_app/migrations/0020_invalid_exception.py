from django.db import migrations, models


class Migration(migrations.Migration):
    reviewed_exceptions = {"drop-colum": "A typo must not silence anything.", "drop-table": ""}

    dependencies = [("rules_unsafe", "0019_raw_sql_constraint")]

    operations = [
        migrations.AddField("item", "origin", models.CharField(max_length=40, null=True)),
    ]
