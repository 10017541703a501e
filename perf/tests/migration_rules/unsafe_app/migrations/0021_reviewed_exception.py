from django.db import migrations


class Migration(migrations.Migration):
    reviewed_exceptions = {
        "drop-column": "Contract step: the code stopped reading Item.origin a release ago.",
    }

    dependencies = [("rules_unsafe", "0020_invalid_exception")]

    operations = [
        migrations.RemoveField("item", "origin"),
    ]
