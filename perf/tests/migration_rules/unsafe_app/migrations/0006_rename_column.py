from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("rules_unsafe", "0005_drop_table")]

    operations = [
        migrations.RenameField("item", "price", "cost"),
    ]
