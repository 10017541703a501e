from django.db import migrations


def fill_code(apps, schema_editor):
    Item = apps.get_model("rules_unsafe", "Item")
    for item in Item.objects.filter(code__isnull=True):
        item.code = "X"
        item.save()


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("rules_unsafe", "0013_data_migration_atomic")]

    operations = [
        migrations.RunPython(fill_code, migrations.RunPython.noop),
    ]
