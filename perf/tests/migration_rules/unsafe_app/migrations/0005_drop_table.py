from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("rules_unsafe", "0004_drop_column")]

    operations = [
        migrations.DeleteModel("Tag"),
    ]
