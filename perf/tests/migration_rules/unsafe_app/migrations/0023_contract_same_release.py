from django.db import migrations


class Migration(migrations.Migration):
    # A contract migration, but the model loses the field in the same migration: the release
    # still running during the deploy reads the column.
    phase = "contract"

    dependencies = [("rules_unsafe", "0022_contract_in_expand")]

    operations = [
        migrations.RemoveField("rack", "label"),
    ]
