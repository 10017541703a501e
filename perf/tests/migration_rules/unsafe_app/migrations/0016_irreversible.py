from django.db import migrations


def fill_code(apps, schema_editor):
    Item = apps.get_model("rules_unsafe", "Item")
    Item.objects.using(schema_editor.connection.alias).update(code="X")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("rules_unsafe", "0015_historical_models")]

    operations = [
        migrations.RunPython(fill_code),
    ]
