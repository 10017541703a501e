from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("rules_unsafe", "0003_set_not_null")]

    operations = [
        migrations.RemoveField("item", "weight"),
    ]
