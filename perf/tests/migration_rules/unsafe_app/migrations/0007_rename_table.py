from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("rules_unsafe", "0006_rename_column")]

    operations = [
        migrations.RenameModel("Shelf", "Rack"),
    ]
