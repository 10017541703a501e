from django.db import migrations, models


def fill_code(apps, schema_editor):
    Item = apps.get_model("rules_unsafe", "Item")
    Item.objects.using(schema_editor.connection.alias).update(code="X")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("rules_unsafe", "0011_type_change")]

    operations = [
        migrations.AddField("item", "code", models.CharField(max_length=20, null=True)),
        migrations.RunPython(fill_code, migrations.RunPython.noop),
    ]
