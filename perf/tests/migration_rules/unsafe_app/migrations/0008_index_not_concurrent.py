from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("rules_unsafe", "0007_rename_table")]

    operations = [
        migrations.AddIndex("item", models.Index(fields=["cost"], name="item_cost")),
    ]
